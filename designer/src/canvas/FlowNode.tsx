// One node on the canvas: type, id, key parameter, one handle per exit in model order, badges; a plain block
// when zoomed far out.
import { Handle, Position, type NodeProps } from "@xyflow/react";
import { createContext, memo, useContext } from "react";
import { useTranslation } from "react-i18next";
import "../capacity/heat.css";
import { NODE_HEIGHT, portX } from "../model/exits";
import { glyph } from "./icons";
import type { FlowNodeView } from "./nodeData";

/** Whether the canvas is zoomed out far (below 0.5): nodes then show their id only. One subscription to the zoom
 * in the canvas feeds every node, instead of each of a thousand nodes watching the viewport on every frame. */
export const SimpleView = createContext(false);

function FlowNodeComponent({ data, selected }: NodeProps<FlowNodeView>) {
  const { t } = useTranslation();
  const simple = useContext(SimpleView);
  const classes = [
    "fnode",
    `cat-${data.category.toLowerCase()}`,
    selected ? "selected" : "",
    data.lit ? "lit" : "",
    data.current ? "current" : "",
    data.errors ? "has-errors" : data.warnings ? "has-warnings" : "",
    data.diff ? `diff-${data.diff}` : "",
    data.covered === 0 ? "uncovered" : data.covered !== null ? "covered" : "",
    data.heat !== null ? `heat heat-${data.heat}` : "",
    data.untested ? "untested" : "",
  ].join(" ");
  const count = data.exits.length;
  return (
    <div
      className={classes}
      style={{ width: data.width, height: NODE_HEIGHT }}
      data-node-id={data.nodeId}
      data-testid={`node-${data.nodeId}`}
      data-visits={data.visits ?? undefined}
      title={data.summary}
    >
      <Handle type="target" position={Position.Top} id="in" className="fhandle-in" />
      {simple ? (
        <div className="fnode-simple">
          <span className="fnode-id">{data.nodeId}</span>
        </div>
      ) : (
        <>
          <div className="fnode-head">
            <span className="fnode-icon" aria-hidden>
              {glyph(data.icon, data.type)}
            </span>
            <span className="fnode-type">{t(`nodeType.${data.type}`, { defaultValue: data.typeLabel })}</span>
            <span className="fnode-id">{data.nodeId}</span>
            <span className="fnode-badges">
              {data.errors > 0 && (
                <span className="badge badge-error" title={t("badge.errors", { count: data.errors })}>
                  {data.errors}
                </span>
              )}
              {data.warnings > 0 && (
                <span className="badge badge-warning" title={t("badge.warnings", { count: data.warnings })}>
                  {data.warnings}
                </span>
              )}
              {data.unwired > 0 && (
                <span className="badge badge-unwired" data-testid="badge-unwired" title={t("badge.unwired", { count: data.unwired })}>
                  ⚠ {data.unwired}
                </span>
              )}
              {data.covered !== null && (
                <span className="badge badge-coverage" title={t("badge.coverage", { count: data.covered })}>
                  {data.covered}
                </span>
              )}
              {data.visits !== null && (
                <span className="badge badge-traffic" data-testid="traffic-visits" title={t("badge.traffic", { count: data.visits })}>
                  {data.visits}
                </span>
              )}
              {!!data.drops && (
                <span className="badge badge-drops" data-testid="heat-drops" title={t("heatmap.drops", { count: data.drops })}>
                  ↓{data.drops}
                </span>
              )}
              {!!data.callErrors && (
                <span className="badge badge-call-errors" data-testid="heat-errors" title={t("heatmap.errors", { count: data.callErrors })}>
                  ✕{data.callErrors}
                </span>
              )}
              {data.untested && (
                <span className="badge badge-untested" data-testid="badge-untested" title={t("heatmap.untestedNode")}>
                  {t("heatmap.untestedBadge")}
                </span>
              )}
              {data.diff && <span className={`badge badge-diff-${data.diff}`}>{t(`diff.${data.diff}`)}</span>}
            </span>
          </div>
          {data.textChange ? (
            <div className="fnode-summary text-changed" data-testid="text-change" title={`${data.textChange.old ?? "—"} → ${data.textChange.new ?? "—"}`}>
              <del>{data.textChange.old}</del> <ins>{data.textChange.new}</ins>
            </div>
          ) : (
            <div className="fnode-summary">{data.summary}</div>
          )}
          <div className="fnode-exits">
            {data.exits.map((exit, index) => (
              <span
                key={exit.name}
                className={[
                  "fexit",
                  exit.wired ? "wired" : exit.required ? "unwired-required" : "unwired",
                  exit.covered === 0 && exit.wired ? "exit-uncovered" : "",
                  exit.untested ? "exit-untested" : "",
                ].join(" ")}
                style={{ left: portX(index, count, data.width) }}
                title={
                  exit.untested && exit.taken !== null
                    ? `${t("badge.exitTraffic", { count: exit.taken })} · ${t("heatmap.untestedExit")}`
                    : exit.taken !== null
                      ? t("badge.exitTraffic", { count: exit.taken })
                    : exit.covered !== null
                      ? t("badge.exitCoverage", { count: exit.covered })
                      : exit.name
                }
                data-taken={exit.taken ?? undefined}
                data-untested={exit.untested ? "yes" : undefined}
              >
                {exit.name}
                {exit.taken !== null ? <sup>{exit.taken}</sup> : exit.covered !== null && exit.wired ? <sup>{exit.covered}</sup> : null}
              </span>
            ))}
          </div>
        </>
      )}
      {data.exits.map((exit, index) => (
        <Handle
          key={exit.name}
          type="source"
          id={exit.name}
          position={Position.Bottom}
          className={`fhandle-out ${exit.wired ? "" : exit.required ? "required" : "optional"}`}
          style={{ left: portX(index, count, data.width) }}
          data-exit={exit.name}
        />
      ))}
    </div>
  );
}

export const FlowNode = memo(FlowNodeComponent);
