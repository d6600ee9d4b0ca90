// Lays flows out off the main thread, so a 1,000-node flow never freezes the page: ELK for flows a person reads
// whole, a linear layered tree layout past LARGE_FLOW_NODES (ELK's time grows far faster than the flow).
import type { LayoutRequest, LayoutResult } from "./protocol";
import { LARGE_FLOW_NODES } from "./protocol";
import { treeLayout } from "./treeLayout";

async function lay(message: MessageEvent<LayoutRequest>) {
  const request = message.data;
  const started = performance.now();
  try {
    const large = request.nodes.length > LARGE_FLOW_NODES;
    const laid = large ? treeLayout(request) : await (await loadElk()).elkLayout(request);
    const result: LayoutResult = {
      id: request.id,
      ...laid,
      engine: large ? "tree" : "elk",
      elapsedMs: performance.now() - started,
    };
    self.postMessage(result);
  } catch (error) {
    const result: LayoutResult = {
      id: request.id,
      positions: {},
      routes: {},
      engine: "none",
      elapsedMs: performance.now() - started,
      error: String(error),
    };
    self.postMessage(result);
  }
}

/** ELK's bundle, loaded into a worker, takes the worker's `onmessage` for its own protocol: take it back. */
async function loadElk() {
  const elk = await import("./elk");
  self.onmessage = lay;
  return { elkLayout: (request: LayoutRequest) => elk.elkLayout(request) };
}

self.onmessage = lay;
