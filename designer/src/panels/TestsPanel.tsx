// Run the flow's tests from the page; coverage is painted on the canvas (nodes and exits by how many cases pass
// through them, the exits no case takes stand out) and listed here.
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../api";
import type { TestRun } from "../model/types";
import { flush } from "../store/autosave";
import { useOverlay } from "../store/overlay";

export function TestsPanel({ name }: { name: string }) {
  const { t } = useTranslation();
  const [run, setRun] = useState<TestRun | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const setCoverage = useOverlay((s) => s.setCoverage);
  const coverage = useOverlay((s) => s.coverage);
  const focusNode = useOverlay((s) => s.focusNode);
  const setPath = useOverlay((s) => s.setPath);

  useEffect(() => () => setCoverage(null), [setCoverage]);

  const start = async () => {
    setBusy(true);
    setError("");
    try {
      await flush();
      const answer = await api.runTests(name);
      setRun(answer);
      setCoverage(answer.coverage);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="tests" data-testid="tests">
      <div className="row">
        <button type="button" className="primary" onClick={() => void start()} disabled={busy} data-testid="run-tests">
          {busy ? t("tests.running") : t("tests.run")}
        </button>
        {coverage && (
          <button type="button" className="ghost" onClick={() => setCoverage(null)}>
            {t("tests.hideCoverage")}
          </button>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {run && (
        <>
          <p className={run.failed ? "error" : "ok"} data-testid="tests-summary" data-passed={run.passed} data-failed={run.failed}>
            {t("tests.summary", { passed: run.passed, failed: run.failed })}
          </p>
          {run.coverage.missing_exits.length > 0 && (
            <>
              <h4>{t("tests.missingExits")}</h4>
              <ul className="missing" data-testid="missing-exits">
                {run.coverage.missing_exits.map(([node, exit]) => (
                  <li key={`${node}/${exit}`}>
                    <button type="button" className="link" onClick={() => focusNode(node)}>
                      <span className="mono">{node}</span> → {exit}
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
          {run.suites.map((suite) => (
            <section key={suite.suite}>
              <h4>{suite.suite || t("tests.mainSuite")}</h4>
              <ul className="cases">
                {suite.cases.map((c) => (
                  <li key={c.name} className={c.passed ? "pass" : "fail"}>
                    <button type="button" className="link" onClick={() => setPath(c.nodes)}>
                      {c.passed ? "✓" : "✗"} {c.name}
                    </button>
                    {!c.passed && <pre className="failures">{c.failures.map((f) => (typeof f === "string" ? f : JSON.stringify(f))).join("\n")}</pre>}
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </>
      )}
    </div>
  );
}
