// The check's diagnostics beside the canvas, each with its note (the service's hint or fix) under its message;
// clicking one selects and centres its node.
import { useTranslation } from "react-i18next";
import { useEditor } from "../store/editor";
import { useOverlay } from "../store/overlay";

export function CheckList() {
  const { t } = useTranslation();
  const diagnostics = useEditor((s) => s.diagnostics);
  const focusNode = useOverlay((s) => s.focusNode);
  if (diagnostics.length === 0) {
    return (
      <p className="all-good" data-testid="checks-clean">
        ✓ {t("checks.clean")}
      </p>
    );
  }
  const sorted = [...diagnostics].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1));
  return (
    <ul className="checks" data-testid="checks">
      {sorted.map((d, i) => (
        <li key={`${d.code}-${d.node}-${i}`} className={`check check-${d.severity}`} data-code={d.code} data-node={d.node ?? ""}>
          <button type="button" disabled={!d.node} onClick={() => d.node && focusNode(d.node)}>
            <span className="check-code">{d.code}</span>
            {d.node && <span className="mono">{d.node}</span>}
            {d.line ? <span className="muted small">:{d.line}</span> : null}
            <span className="check-message">{d.message}</span>
            {d.note && (
              <span className="check-note" data-testid="check-note">
                <span className="check-note-label">{t("checks.note")}</span> {d.note}
              </span>
            )}
          </button>
        </li>
      ))}
    </ul>
  );
}
