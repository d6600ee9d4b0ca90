// An edge drawn through ELK's bend points (orthogonal, as laid out); a step path when a node was moved by hand.
import { BaseEdge, getSmoothStepPath, type Edge, type EdgeProps } from "@xyflow/react";
import { memo } from "react";
import type { Position } from "../model/types";

export interface ElkEdgeData extends Record<string, unknown> {
  points: Position[] | null;
  lit: boolean;
  back: boolean;
  covered: number | null;
  /** A capacity run's heat of this exit (0 to 5, against the busiest node), when its traffic is painted. */
  heat?: number | null;
  /** With the heat map beside coverage: callers take this exit and no test case does. */
  untested?: boolean;
  exit: string;
  /** A diff's mark: an exit leading somewhere new (rewired, or of an added node), or where it used to lead. */
  diff?: "rewired" | "added" | "removed" | null;
}

export type ElkEdgeView = Edge<ElkEdgeData, "elk">;

const RADIUS = 6;

/** An SVG path through the points with small rounded corners. */
export function roundedPath(points: Position[]): string {
  let path = `M ${points[0].x} ${points[0].y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [a, b, c] = [points[i - 1], points[i], points[i + 1]];
    const r = Math.min(RADIUS, Math.hypot(b.x - a.x, b.y - a.y) / 2, Math.hypot(c.x - b.x, c.y - b.y) / 2);
    const inX = b.x - Math.sign(b.x - a.x) * r;
    const inY = b.y - Math.sign(b.y - a.y) * r;
    const outX = b.x + Math.sign(c.x - b.x) * r;
    const outY = b.y + Math.sign(c.y - b.y) * r;
    path += ` L ${inX} ${inY} Q ${b.x} ${b.y} ${outX} ${outY}`;
  }
  const last = points[points.length - 1];
  return `${path} L ${last.x} ${last.y}`;
}

function ElkEdgeComponent(props: EdgeProps<ElkEdgeView>) {
  const { data, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, selected } = props;
  const points = data?.points;
  const path =
    points && points.length >= 2
      ? roundedPath(points)
      : getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, borderRadius: RADIUS })[0];
  const classes = [
    "fedge",
    data?.lit ? "lit" : "",
    data?.back ? "back" : "",
    selected ? "selected" : "",
    data?.covered === 0 ? "uncovered" : data?.covered ? "covered" : "",
    data?.diff ? `diff-${data.diff}` : "",
    typeof data?.heat === "number" ? `heat heat-${data.heat}` : "",
    data?.untested ? "untested" : "",
  ].join(" ");
  return <BaseEdge id={props.id} path={path} markerEnd={markerEnd} className={classes} interactionWidth={12} />;
}

export const ElkEdge = memo(ElkEdgeComponent);
