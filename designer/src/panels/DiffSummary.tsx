// The semantic diff beside the canvas: what changed node by node (click: centre it), prompt texts old -> new with
// the edit marked in place, header changes, and the test cases whose calls go differently (click: light the new
// call's path).
import { diffChars, diffWordsWithSpace } from "diff";
import { useTranslation } from "react-i18next";
import type { AffectedCase, NodeChange } from "../model/diff";
import type { Json } from "../model/types";
import { useOverlay } from "../store/overlay";
import type { DiffPaint } from "./diffPaint";

const CJK = /[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]/;

/** A text edit marked in place: Chinese (and the like) by character, spaced languages by word. */
export function MarkedEdit({ old, now }: { old: string; now: string }) {
  const parts = CJK.test(old + now) ? diffChars(old, now) : diffWordsWithSpace(old, now);
  return (
    <span className="marked-edit">
      {parts.map((part, i) =>
        part.added ? <ins key={i}>{part.value}</ins> : part.removed ? <del key={i}>{part.value}</del> : <span key={i}>{part.value}</span>,
      )}
    </span>
  );
}

const shown = (value: Json | undefined) => (value === undefined ? "—" : typeof value === "string" ? value : JSON.stringify(value));

function NodeDetails({ change }: { change: NodeChange }) {
  const { t } = useTranslation();
  return (
    <ul className="diff-details">
      {change.old_id && <li>{t("diffView.renamedFrom", { id: change.old_id })}</li>}
      {change.old_type && <li>{t("diffView.typeChanged", { old: change.old_type, now: change.type })}</li>}
      {change.params.map((p) => (
        <li key={`${p.name}/${p.key ?? ""}`}>
          <span className="mono">{p.key ? `${p.name}[${p.key}]` : p.name}</span>: <span className="old">{shown(p.old ?? p.default)}</span> →{" "}
          <span className="new">{shown(p.new ?? p.default)}</span>
        </li>
      ))}
      {change.exits.map((e) => (
        <li key={e.exit}>
          <span className="mono">{e.exit}</span>: <span className="old">{e.old ?? "—"}</span> → <span className="new">{e.new ?? "—"}</span>
        </li>
      ))}
    </ul>
  );
}

function CaseItem({ item }: { item: AffectedCase }) {
  const { t } = useTranslation();
  const setPath = useOverlay((s) => s.setPath);
  const ownNodes = (nodes: string[]) => nodes.filter((n) => !n.includes("/"));
  return (
    <li className="affected-case" data-testid="affected-case" data-case={item.name}>
      <button type="button" className="link" onClick={() => setPath(ownNodes(item.new.nodes))} title={t("diffView.showPath")}>
        {item.suite ? <span className="muted">{item.suite}: </span> : null}
        {item.name}
      </button>
      <div className="row small">
        {item.differs.map((d) => (
          <span key={d} className="pill">
            {t(`diffView.aspect.${d}`, { defaultValue: d })}
          </span>
        ))}
        {item.old.passed !== item.new.passed && (
          <span className={item.new.passed ? "ok" : "error"}>{item.new.passed ? t("diffView.nowPasses") : t("diffView.nowFails")}</span>
        )}
      </div>
    </li>
  );
}

export function DiffSummary({ diff, onClose }: { diff: DiffPaint; onClose: () => void }) {
  const { t } = useTranslation();
  const focusNode = useOverlay((s) => s.focusNode);
  const { answer } = diff;
  const moved = answer.diff.nodes.filter((change) => change.status === "moved").length;
  const side = (v: string) => (v === "draft" ? t("diffView.draft") : `v${v}`);
  return (
    <div className="diff-summary" data-testid="diff-summary" data-from={diff.from} data-to={diff.to}>
      <div className="row">
        <strong>{t("versions.diffTitle", { from: side(diff.from), to: side(diff.to) })}</strong>
        <span className="spacer" />
        <button type="button" className="ghost" onClick={onClose} data-testid="diff-close">
          {t("close")}
        </button>
      </div>
      {answer.diff.same ? (
        <p className="muted" data-testid="diff-same">
          {t("diffView.same")}
        </p>
      ) : answer.diff.logic_same ? (
        <p className="muted">{t("diffView.layoutOnly")}</p>
      ) : null}
      {answer.diff.header.length > 0 && (
        <ul className="diff-details">
          {answer.diff.header.map((h, i) => (
            <li key={i}>
              <span className="mono">{h.key ? `${h.field} ${h.key}` : h.field}</span>: <span className="old">{shown(h.old)}</span> →{" "}
              <span className="new">{shown(h.new)}</span>
            </li>
          ))}
        </ul>
      )}
      <ul className="diff-nodes">
        {answer.diff.nodes.filter((change) => change.status !== "moved").map((change) => (
          <li key={`${change.status}-${change.id}`} className={`diff-${change.status}`} data-node={change.id} data-status={change.status}>
            <button type="button" className="link" onClick={() => focusNode(change.id)}>
              <span className={`badge badge-diff-${change.status}`}>{t(`diff.${change.status}`)}</span> <span className="mono">{change.id}</span>{" "}
              <span className="muted small">{t(`nodeType.${change.type}`, { defaultValue: change.type })}</span>
            </button>
            <NodeDetails change={change} />
          </li>
        ))}
      </ul>
      {moved > 0 && (
        <p className="muted small" data-testid="diff-moved">
          {t("diffView.moved", { count: moved })}
        </p>
      )}
      {answer.diff.prompts.length > 0 && (
        <>
          <h4>{t("versions.promptChanges")}</h4>
          <ul className="prompt-changes" data-testid="prompt-changes">
            {answer.diff.prompts.map((prompt) => (
              <li key={prompt.id} data-prompt={prompt.id} data-status={prompt.status}>
                <span className={`badge badge-diff-${prompt.status}`}>{t(`diff.${prompt.status}`)}</span> <span className="mono">{prompt.id}</span>
                {prompt.used_by.map((user) => (
                  <button key={user} type="button" className="link small mono used-by" data-node={user} onClick={() => focusNode(user)}>
                    {" "}
                    · {user}
                  </button>
                ))}
                {prompt.text.map((change) => (
                  <div key={change.language} className="prompt-change" data-language={change.language}>
                    <span className="lang">{change.language}</span>
                    {change.old != null && change.new != null ? (
                      <>
                        <div className="old">{change.old}</div>
                        <div className="new">→ {change.new}</div>
                        <div className="edit">
                          <MarkedEdit old={change.old} now={change.new} />
                        </div>
                      </>
                    ) : (
                      <div className={change.old != null ? "old" : "new"}>{change.old ?? change.new}</div>
                    )}
                  </div>
                ))}
              </li>
            ))}
          </ul>
        </>
      )}
      <h4>{t("versions.casesChanged")}</h4>
      {answer.cases.length ? (
        <ul className="affected-cases" data-testid="affected-cases">
          {answer.cases.map((item) => (
            <CaseItem key={`${item.suite}/${item.name}`} item={item} />
          ))}
        </ul>
      ) : (
        <p className="muted small" data-testid="no-affected-cases">
          {t("diffView.noCases")}
        </p>
      )}
      {answer.errors.map((e) => (
        <p key={e.suite} className="error small">
          {e.suite || t("tests.mainSuite")}: {e.error}
        </p>
      ))}
    </div>
  );
}
