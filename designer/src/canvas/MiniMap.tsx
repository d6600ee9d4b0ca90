// The minimap, drawn once into a <canvas> whenever the nodes change, never while the canvas pans or zooms: only
// the small rectangle of the view moves then. (React Flow's own minimap redraws an SVG of every node on each frame
// of a pan, which on a 1,000-node flow cost more than the canvas itself; bench/designer_speed.py.)
import { useReactFlow, useStore } from "@xyflow/react";
import { memo, useEffect, useMemo, useRef, type PointerEvent } from "react";
import { useTranslation } from "react-i18next";

export interface MiniBox {
  x: number;
  y: number;
  width: number;
  height: number;
  colour: string;
}

const WIDTH = 200;
const HEIGHT = 140;
const MARGIN = 4;

interface Frame {
  x: number;
  y: number;
  scale: number;
}

function frameOf(boxes: MiniBox[]): Frame {
  if (boxes.length === 0) return { x: 0, y: 0, scale: 1 };
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const b of boxes) {
    left = Math.min(left, b.x);
    top = Math.min(top, b.y);
    right = Math.max(right, b.x + b.width);
    bottom = Math.max(bottom, b.y + b.height);
  }
  const scale = Math.min((WIDTH - 2 * MARGIN) / Math.max(1, right - left), (HEIGHT - 2 * MARGIN) / Math.max(1, bottom - top));
  return { x: left - MARGIN / scale, y: top - MARGIN / scale, scale };
}

const viewOf = (s: { transform: [number, number, number]; width: number; height: number }) =>
  `${s.transform[0]},${s.transform[1]},${s.transform[2]},${s.width},${s.height}`;

function ViewRectangle({ frame }: { frame: Frame }) {
  const [tx, ty, zoom, width, height] = useStore(viewOf).split(",").map(Number);
  const left = (-tx / zoom - frame.x) * frame.scale;
  const top = (-ty / zoom - frame.y) * frame.scale;
  return (
    <div
      className="minimap-view"
      style={{ transform: `translate(${left}px, ${top}px)`, width: (width / zoom) * frame.scale, height: (height / zoom) * frame.scale }}
    />
  );
}

function MiniMapComponent({ boxes }: { boxes: MiniBox[] }) {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const frame = useMemo(() => frameOf(boxes), [boxes]);
  const reactFlow = useReactFlow();

  useEffect(() => {
    const context = canvas.current?.getContext("2d");
    if (!context) return;
    const ratio = window.devicePixelRatio || 1;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, WIDTH, HEIGHT);
    for (const b of boxes) {
      context.fillStyle = b.colour;
      context.fillRect((b.x - frame.x) * frame.scale, (b.y - frame.y) * frame.scale, Math.max(1, b.width * frame.scale), Math.max(1, b.height * frame.scale));
    }
  }, [boxes, frame]);

  const centreAt = (event: PointerEvent<HTMLDivElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const x = (event.clientX - rect.left) / frame.scale + frame.x;
    const y = (event.clientY - rect.top) / frame.scale + frame.y;
    void reactFlow.setCenter(x, y, { zoom: reactFlow.getZoom() });
  };

  return (
    <div
      className="minimap"
      role="img"
      aria-label={t("aria.minimap")}
      data-testid="minimap"
      style={{ width: WIDTH, height: HEIGHT }}
      onPointerDown={(event) => {
        event.currentTarget.setPointerCapture(event.pointerId);
        centreAt(event);
      }}
      onPointerMove={(event) => {
        if (event.buttons === 1) centreAt(event);
      }}
    >
      <canvas
        ref={canvas}
        width={WIDTH * (window.devicePixelRatio || 1)}
        height={HEIGHT * (window.devicePixelRatio || 1)}
        style={{ width: WIDTH, height: HEIGHT }}
      />
      <ViewRectangle frame={frame} />
    </div>
  );
}

export const MiniMap = memo(MiniMapComponent);
