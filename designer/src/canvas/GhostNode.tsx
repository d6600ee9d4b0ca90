// A node the newer side of a diff no longer has, drawn where it stood in the older version: dashed, faded, with
// the handles its edges need.
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import { useTranslation } from "react-i18next";
import { NODE_HEIGHT, portX } from "../model/exits";

export interface GhostNodeData extends Record<string, unknown> {
  nodeId: string;
  type: string;
  typeLabel: string;
  summary: string;
  exits: string[];
  width: number;
}

export type GhostNodeView = Node<GhostNodeData, "ghost">;

function GhostNodeComponent({ data }: NodeProps<GhostNodeView>) {
  const { t } = useTranslation();
  return (
    <div className="fnode ghost diff-removed" style={{ width: data.width, height: NODE_HEIGHT }} data-testid={`ghost-${data.nodeId}`}>
      <Handle type="target" position={Position.Top} id="in" className="fhandle-in" isConnectable={false} />
      <div className="fnode-head">
        <span className="fnode-type">{t(`nodeType.${data.type}`, { defaultValue: data.typeLabel })}</span>
        <span className="fnode-id">{data.nodeId}</span>
        <span className="fnode-badges">
          <span className="badge badge-diff-removed">{t("diff.removed")}</span>
        </span>
      </div>
      <div className="fnode-summary">{data.summary}</div>
      {data.exits.map((exit, index) => (
        <Handle
          key={exit}
          type="source"
          id={exit}
          position={Position.Bottom}
          className="fhandle-out optional"
          style={{ left: portX(index, data.exits.length, data.width) }}
          isConnectable={false}
        />
      ))}
    </div>
  );
}

export const GhostNode = memo(GhostNodeComponent);
