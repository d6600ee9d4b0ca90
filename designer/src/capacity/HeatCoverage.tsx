// Beside the records' heat map: the flow's tests run on the heat map's version (as the Tests tab runs them), and
// what callers take that no test case does, the most called first (click: select and centre the node), marked
// dashed on the canvas; tested paths no caller took are counted.
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../api";
import type { HeatMap } from "../model/heatmap";
import type { TestRun } from "../model/types";
import { sideBySide } from "../model/untested";
import { flush } from "../store/autosave";
import { useOverlay } from "../store/overlay";

const LISTED = 50;

export function HeatCoverage({ name, map }: { name: string; map: HeatMap }) {
  const { t } = useTranslation();
  const focusNode = useOverlay((s) => s.focusNode);
  const [run, setRun] = useState<TestRun | null>(null);
  const [error, setError] = useState("");
  const [again, setAgain] = useState(0);
  const version = map.version;

  useEffect(() => {
    let cancelled = false;
    setRun(null);
    setError("");
    (async () => {
      // Version 0 is drafts and files: the tests then run on the draft, saved first.
      if (version === 0) await flush();
      return api.runTests(name, version === 0 ? "draft" : version);
    })().then(
      (answer) => !cancelled && setRun(answer),
      (e) => !cancelled && setError(e instanceof ApiError ? e.message : String(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [name, version, again]);

  const compared = useMemo(() => (run ? sideBySide(map, run.coverage) : null), [map, run]);
  useEffect(() => {
    useOverlay.getState().setUntested(compared?.paint ?? null);
  }, [compared]);
  useEffect(() => () => useOverlay.getState().setUntested(null), []);

  const cases = run ? run.suites.reduce((sum, suite) => sum + suite.cases.length, 0) : 0;
  return (
    <div className="heat-coverage" data-testid="heat-coverage" data-state={error ? "error" : compared ? "ready" : "running"}>
      <strong>{t("heatmap.coverage.title")}</strong>{" "}
      <button type="button" className="link" onClick={() => setAgain((n) => n + 1)} disabled={!run && !error} data-testid="heat-coverage-rerun">
        ↻ {t("heatmap.coverage.rerun")}
      </button>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : !run || !compared ? (
        <p className="muted">{t("tests.running")}</p>
      ) : (
        <>
          <p data-testid="heat-coverage-summary" data-cases={cases} data-called={compared.called.nodes + compared.called.exits} data-tested={compared.called.tested}>
            {t("heatmap.coverage.summary", {
              count: cases,
              version: version === 0 ? t("heatmap.coverage.draft") : `v${version}`,
              tested: compared.called.tested,
              called: compared.called.nodes + compared.called.exits,
            })}
          </p>
          {compared.untested.length === 0 ? (
            <p className="ok" data-testid="heat-untested-none">
              {t("heatmap.coverage.allTested")}
            </p>
          ) : (
            <>
              <h4>{t("heatmap.coverage.untested", { count: compared.untested.length })}</h4>
              <ol data-testid="heat-untested">
                {compared.untested.slice(0, LISTED).map((path) => (
                  <li key={`${path.node}/${path.exit ?? ""}`} data-node={path.node} data-exit={path.exit ?? ""} data-calls={path.calls}>
                    <button type="button" className="link" onClick={() => focusNode(path.node)} data-testid="heat-untested-item">
                      <span className="mono">{path.node}</span>
                      {path.exit !== null && <span>→ {path.exit}</span>}
                      <span className="calls">{t("heatmap.coverage.calls", { count: path.calls })}</span>
                    </button>
                  </li>
                ))}
              </ol>
              {compared.untested.length > LISTED && <p className="muted">{t("heatmap.coverage.more", { count: compared.untested.length - LISTED })}</p>}
            </>
          )}
          <p className="muted" data-testid="heat-uncalled" data-nodes={compared.uncalled.nodes} data-exits={compared.uncalled.exits}>
            {t("heatmap.coverage.uncalled", { nodes: compared.uncalled.nodes, exits: compared.uncalled.exits })}
          </p>
          {run.failed > 0 && <p className="error">{t("tests.summary", { passed: run.passed, failed: run.failed })}</p>}
        </>
      )}
    </div>
  );
}
