// The node types the service has installed (a third-party package's appear here too), grouped by category;
// drag one onto the canvas, or press Enter on it to add it below the selection.
import { useReactFlow } from "@xyflow/react";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { PALETTE_MIME } from "../canvas/Canvas";
import { glyph } from "../canvas/icons";
import { addNode, useEditor } from "../store/editor";
import { useSelection } from "../store/selection";

export function Palette() {
  const { t } = useTranslation();
  const types = useEditor((s) => s.nodeTypes);
  const [query, setQuery] = useState("");
  const reactFlow = useReactFlow();
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const byCategory = new Map<string, typeof list>();
    const list = Object.values(types).filter(
      (info) =>
        !q ||
        info.type.includes(q) ||
        info.label.toLowerCase().includes(q) ||
        t(`nodeType.${info.type}`, { defaultValue: info.label }).toLowerCase().includes(q),
    );
    for (const info of list) byCategory.set(info.category, [...(byCategory.get(info.category) ?? []), info]);
    return [...byCategory.entries()];
  }, [types, query, t]);

  const addBelowSelection = (type: string) => {
    const flow = useEditor.getState().flow;
    const [first] = useSelection.getState().selected;
    const at = first && flow?.layout?.[first];
    const centre = reactFlow.screenToFlowPosition({ x: window.innerWidth / 2, y: window.innerHeight / 2 });
    const id = addNode(type, at ? { x: at.x, y: at.y + 160 } : { x: Math.round(centre.x - 110), y: Math.round(centre.y - 40) });
    useSelection.getState().select([id]);
  };

  return (
    <nav className="palette" aria-label={t("palette.title")} data-testid="palette">
      <input
        type="search"
        placeholder={t("palette.search")}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && groups[0]?.[1][0]) addBelowSelection(groups[0][1][0].type);
        }}
      />
      {groups.map(([category, infos]) => (
        <section key={category}>
          <h4>{t(`category.${category}`, { defaultValue: category })}</h4>
          {infos.map((info) => (
            <button
              type="button"
              key={info.type}
              className={`palette-item cat-${info.category.toLowerCase()}`}
              draggable
              data-type={info.type}
              title={info.description}
              onDragStart={(e) => {
                e.dataTransfer.setData(PALETTE_MIME, info.type);
                e.dataTransfer.effectAllowed = "copy";
              }}
              onClick={() => addBelowSelection(info.type)}
            >
              <span className="fnode-icon" aria-hidden>
                {glyph(info.icon, info.type)}
              </span>
              {t(`nodeType.${info.type}`, { defaultValue: info.label })}
            </button>
          ))}
        </section>
      ))}
    </nav>
  );
}
