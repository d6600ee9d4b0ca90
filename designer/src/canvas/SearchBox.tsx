// Ctrl+F on the canvas: find nodes by id, type or prompt text; Enter centres the next match.
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useEditor } from "../store/editor";
import { useOverlay } from "../store/overlay";
import { summaryOf } from "./nodeData";

export function SearchBox({ onClose }: { onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const flow = useEditor((s) => s.flow);
  const types = useEditor((s) => s.nodeTypes);
  const focusNode = useOverlay((s) => s.focusNode);
  const [query, setQuery] = useState("");
  const [index, setIndex] = useState(0);
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q || !flow) return [];
    return flow.nodes.filter((node) => {
      const info = types[node.type];
      const texts = [node.id, node.type, info?.label ?? "", summaryOf(flow, info, node.params ?? {}, i18n.language)];
      for (const value of Object.values(node.params ?? {})) {
        const prompt = typeof value === "string" ? flow.prompts?.find((p) => p.id === value) : undefined;
        if (prompt?.text) texts.push(...Object.values(prompt.text));
      }
      return texts.some((text) => text.toLowerCase().includes(q));
    });
  }, [query, flow, types, i18n.language]);

  const go = (next: number) => {
    if (!matches.length) return;
    const i = ((next % matches.length) + matches.length) % matches.length;
    setIndex(i);
    focusNode(matches[i].id);
  };

  return (
    <div className="searchbox" role="search">
      <input
        autoFocus
        type="search"
        data-testid="search"
        placeholder={t("search.placeholder")}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setIndex(0);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter") go(e.shiftKey ? index - 1 : matches.length && query ? index + (e.repeat ? 1 : 0) : 0);
          if (e.key === "ArrowDown") go(index + 1);
          if (e.key === "ArrowUp") go(index - 1);
          if (e.key === "Escape") onClose();
        }}
      />
      <span className="muted small">{query ? t("search.count", { count: matches.length }) : ""}</span>
      <ul>
        {matches.slice(0, 8).map((node, i) => (
          <li key={node.id}>
            <button type="button" className={i === index ? "active" : ""} onClick={() => go(i)}>
              <span className="mono">{node.id}</span> <span className="muted">{node.type}</span>
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="ghost close" onClick={onClose} aria-label={t("close")}>
        ×
      </button>
    </div>
  );
}
