// The page's side of the layout worker: one worker, requests answered in order.
import type { LayoutEdge, LayoutNode, LayoutResult } from "./protocol";

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, (result: LayoutResult) => void>();

function layoutWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL("./layout.worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (message: MessageEvent<LayoutResult>) => {
      const resolve = pending.get(message.data.id);
      pending.delete(message.data.id);
      resolve?.(message.data);
    };
  }
  return worker;
}

/** Start the worker before the first layout is asked for (while the flow is being fetched). */
export function warmUpLayout() {
  layoutWorker();
}

/** Lay the graph out in the worker; resolves with positions, edge routes (ELK's) and the time it took. */
export function layout(nodes: LayoutNode[], edges: LayoutEdge[]): Promise<LayoutResult> {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    layoutWorker().postMessage({ id, nodes, edges });
  });
}
