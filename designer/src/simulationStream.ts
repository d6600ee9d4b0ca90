// A simulated call streamed from the service (`Accept: text/event-stream`): each trace event is handed over as it
// comes (`event: trace`), then how the call ended (`event: end`), or the service's error (`event: error`).
import { createParser } from "eventsource-parser";
import { ApiError, type SimulateRequest } from "./api";
import type { Json, TraceEvent } from "./model/types";

export interface CallEnd {
  reason: string;
  nodes: string[];
}

export async function streamCall(
  name: string,
  body: SimulateRequest,
  onEvent: (event: TraceEvent) => void,
  signal?: AbortSignal,
): Promise<CallEnd> {
  const response = await fetch(`/api/flows/${encodeURIComponent(name)}/simulate`, {
    method: "POST",
    headers: { Accept: "text/event-stream", "Content-Type": "application/json" },
    body: JSON.stringify(body),
    credentials: "same-origin",
    signal,
  });
  if (!response.ok || !response.body) {
    let parsed: Record<string, Json> = {};
    try {
      parsed = await response.json();
    } catch {
      parsed = { error: "http_error", detail: `${response.status} ${response.statusText}` };
    }
    throw new ApiError(response.status, String(parsed.error ?? "http_error"), parsed);
  }
  let end: CallEnd | null = null;
  let failure: ApiError | null = null;
  const parser = createParser({
    onEvent: (message) => {
      const data = JSON.parse(message.data) as Record<string, Json>;
      if (message.event === "trace") onEvent(data as TraceEvent);
      else if (message.event === "end") end = data as unknown as CallEnd;
      else if (message.event === "error") failure = new ApiError(Number(data.status ?? 500), String(data.error ?? "error"), data);
    },
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(value);
  }
  if (failure) throw failure;
  if (!end) throw new ApiError(502, "stream_cut", { detail: "the simulated call's stream ended before the call did" });
  return end;
}
