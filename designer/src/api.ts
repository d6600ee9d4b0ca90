// The designer's only way in: the flow service's HTTP API (docs/designer.md lists what it uses).
import type { Job } from "./model/capacity";
import type { DiffAnswer } from "./model/diff";
import type { HeatMap, NodeCall } from "./model/heatmap";
import type { Dashboard, RecordsRetention, Report } from "./model/records";
import type { MessageState, VoicemailMessage } from "./model/voicemail";
import type {
  Diagnostic,
  FlowGraph,
  FlowSummary,
  Json,
  NodeTypeInfo,
  TestRun,
  TraceEvent,
  User,
  Version,
} from "./model/types";

/** An error answer from the service: its status, code and the whole JSON body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly body: Record<string, Json>,
  ) {
    super(typeof body.detail === "string" ? body.detail : `${status} ${code}`);
  }
}

type Body = { json: Json } | { text: string; type: string } | { body: Blob; type: string } | undefined;

async function request(method: string, path: string, body?: Body, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { Accept: "application/json", ...headers }, credentials: "same-origin" };
  if (body && "json" in body) {
    init.body = JSON.stringify(body.json);
    (init.headers as Record<string, string>)["Content-Type"] = "application/json";
  } else if (body && "body" in body) {
    init.body = body.body;
    (init.headers as Record<string, string>)["Content-Type"] = body.type;
  } else if (body) {
    init.body = body.text;
    (init.headers as Record<string, string>)["Content-Type"] = body.type;
  } else if (method !== "GET") {
    // The service asks every change made with a session cookie to name its content type (no cross-site forms).
    (init.headers as Record<string, string>)["Content-Type"] = "application/json";
  }
  const response = await fetch(path, init);
  if (!response.ok) {
    let parsed: Record<string, Json> = {};
    try {
      parsed = await response.json();
    } catch {
      parsed = { error: "http_error", detail: `${response.status} ${response.statusText}` };
    }
    if (response.status === 401 && path !== "/api/login") window.dispatchEvent(new Event("callflow:logged-out"));
    throw new ApiError(response.status, String(parsed.error ?? "http_error"), parsed);
  }
  return response;
}

async function json<T>(method: string, path: string, body?: Body, headers?: Record<string, string>): Promise<T> {
  const response = await request(method, path, body, headers);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

const fileUrl = (path: string) => `/api/files/${path.split("/").map(encodeURIComponent).join("/")}`;
const flowPath = (name: string) => `/api/flows/${encodeURIComponent(name)}`;
const etag = (response: Response) => (response.headers.get("ETag") ?? "").replace(/^W\//, "").replaceAll('"', "");

export interface Saved {
  revision: string;
  diagnostics: Diagnostic[];
}

export interface CheckResult {
  diagnostics: Diagnostic[];
  errors: number;
  warnings: number;
}

export interface SimulateRequest {
  version?: "draft" | number;
  at?: string;
  from?: string;
  to?: string;
  input?: string[];
  switches?: Record<string, boolean>;
  stop_for_input?: boolean;
  limit?: number;
}

/** One of the tenant's data files (CSV and SQLite for lookups, environments for tests). */
export interface DataFile {
  path: string;
  size: number;
  /** Seconds since 1970. */
  modified: number;
}

export interface SimulateResult {
  events: TraceEvent[];
  reason: string;
  nodes: string[];
  waiting_for_input: boolean;
}

export const api = {
  login: (username: string, password: string, tenant?: string) =>
    json<{ user: User }>("POST", "/api/login", { json: tenant ? { username, password, tenant } : { username, password } }),
  logout: () => json<void>("POST", "/api/logout", { json: {} }),
  me: () => json<{ user: User; tenant: Record<string, Json> }>("GET", "/api/me"),
  flows: () => json<{ flows: FlowSummary[] }>("GET", "/api/flows"),
  createFlow: (name: string, title?: string, copyOf?: string) =>
    json<Record<string, Json>>("POST", "/api/flows", {
      json: { name, ...(title ? { title } : {}), ...(copyOf ? { copy_of: copyOf } : {}) },
    }),
  renameFlow: (name: string, to: string) => json<Json>("POST", `${flowPath(name)}/rename`, { json: { to } }),
  deleteFlow: (name: string, revision: string) =>
    json<void>("DELETE", flowPath(name), undefined, { "If-Match": `"${revision}"` }),
  async flow(name: string, version?: number): Promise<{ graph: FlowGraph; revision: string }> {
    const path = version === undefined ? flowPath(name) : `${flowPath(name)}/versions/${version}`;
    const response = await request("GET", path);
    return { graph: (await response.json()) as FlowGraph, revision: etag(response) };
  },
  async flowText(name: string): Promise<{ text: string; revision: string }> {
    const response = await request("GET", flowPath(name), undefined, { Accept: "text/x-callflow" });
    return { text: await response.text(), revision: etag(response) };
  },
  saveFlow: (name: string, revision: string, graph: FlowGraph) =>
    json<Saved>("PUT", flowPath(name), { json: graph as unknown as Json }, { "If-Match": `"${revision}"` }),
  saveFlowText: (name: string, revision: string, text: string) =>
    json<Saved>("PUT", flowPath(name), { text, type: "text/x-callflow" }, { "If-Match": `"${revision}"` }),
  check: (name: string) => json<CheckResult>("POST", `${flowPath(name)}/check`),
  schema: () => json<Record<string, Json>>("GET", "/api/schema"),
  nodes: () => json<{ nodes: NodeTypeInfo[] }>("GET", "/api/nodes"),
  publish: (name: string, comment: string, force = false) =>
    json<Record<string, Json>>("POST", `${flowPath(name)}/publish`, { json: { comment, ...(force ? { force } : {}) } }),
  versions: (name: string) => json<{ versions: Version[] }>("GET", `${flowPath(name)}/versions`),
  rollback: (name: string, to: number, comment: string) =>
    json<Record<string, Json>>("POST", `${flowPath(name)}/rollback`, { json: { to, comment } }),
  diff: (name: string, from: number | "draft", to: number | "draft") =>
    json<DiffAnswer>(
      "GET",
      `${flowPath(name)}/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    ),
  tests: (name: string) =>
    json<{ suites: { suite: string; file: string; revision: string; text: string }[] }>("GET", `${flowPath(name)}/tests`),
  addTestCase: (name: string, testCase: Record<string, Json>) =>
    json<Json>("POST", `${flowPath(name)}/tests/cases`, { json: { case: testCase } }),
  runTests: (name: string, version: number | "draft" = "draft") =>
    json<TestRun>("POST", `${flowPath(name)}/tests/run`, { json: { version } }),
  simulate: (name: string, body: SimulateRequest) =>
    json<SimulateResult>("POST", `${flowPath(name)}/simulate`, { json: body as unknown as Json }),
  promptAudioUrl: (name: string, prompt: string, language: string) =>
    `${flowPath(name)}/prompts/${encodeURIComponent(prompt)}/${encodeURIComponent(language)}.wav`,
  files: () => json<{ files: DataFile[] }>("GET", "/api/files"),
  fileUrl: (path: string) => fileUrl(path),
  /** Upload a data file whole; its bytes go as they are. */
  putFile: (path: string, content: Blob) =>
    json<DataFile>("PUT", fileUrl(path), { body: content, type: "application/octet-stream" }),
  deleteFile: (path: string) => json<void>("DELETE", fileUrl(path)),
  async environment(): Promise<{ env: Record<string, Json>; revision: string }> {
    const response = await request("GET", "/api/environment");
    return { env: (await response.json()) as Record<string, Json>, revision: etag(response) };
  },
  saveEnvironment: (revision: string, env: Record<string, Json>) =>
    json<Json>("PUT", "/api/environment", { json: env }, { "If-Match": `"${revision}"` }),
  switches: () =>
    json<{ switches: Record<string, { on: boolean; changed_by?: string; changed_at?: string }> }>(
      "GET",
      "/api/environment/switches",
    ),
  /** Start a capacity simulation (docs/capacity.md); the job is followed with `job`. */
  startLoad: (name: string, body: Record<string, Json>) => json<Job>("POST", `${flowPath(name)}/load`, { json: body }),
  jobs: () => json<{ jobs: Job[] }>("GET", "/api/jobs"),
  job: (id: string) => json<Job>("GET", `/api/jobs/${encodeURIComponent(id)}`),
  cancelJob: (id: string) => json<void>("DELETE", `/api/jobs/${encodeURIComponent(id)}`),
  jobReportUrl: (id: string) => `/api/jobs/${encodeURIComponent(id)}/report.html`,
  async jobReport(id: string): Promise<string> {
    const response = await request("GET", `/api/jobs/${encodeURIComponent(id)}/report.html`, undefined, { Accept: "text/html" });
    return response.text();
  },
  report: (name: string, query: string) =>
    json<Report>("GET", `/api/reports/${encodeURIComponent(name)}${query ? `?${query}` : ""}`),
  heatmap: (name: string, query: string) => json<HeatMap>("GET", `${flowPath(name)}/heatmap${query ? `?${query}` : ""}`),
  heatmapCalls: (name: string, node: string, query: string) =>
    json<{ calls: NodeCall[] }>("GET", `${flowPath(name)}/heatmap/${encodeURIComponent(node)}/calls?${query}`),
  call: (id: string) => json<{ call_id: string; events: TraceEvent[] }>("GET", `/api/calls/${encodeURIComponent(id)}`),
  dashboard: () => json<Dashboard>("GET", "/api/dashboard"),
  retention: () => json<RecordsRetention>("GET", "/api/records/retention"),
  voicemail: (filter: { mailbox?: string; state?: string }) => {
    const query = new URLSearchParams(Object.entries(filter).filter((entry): entry is [string, string] => !!entry[1]));
    return json<{ messages: VoicemailMessage[] }>("GET", `/api/voicemail${query.size ? `?${query}` : ""}`);
  },
  /** A message's audio, fetched with the session (a simulated message has none: `404 no_audio`). */
  async voicemailAudio(id: number): Promise<Blob> {
    const response = await request("GET", `/api/voicemail/${id}.wav`, undefined, { Accept: "audio/wav" });
    return response.blob();
  },
  markVoicemail: (id: number, change: { state?: MessageState; note?: string }) =>
    json<VoicemailMessage>("PATCH", `/api/voicemail/${id}`, { json: change }),
  deleteVoicemail: (id: number) => json<void>("DELETE", `/api/voicemail/${id}`),
  setSwitch: (name: string, on: boolean) =>
    json<Json>("PUT", `/api/environment/switches/${encodeURIComponent(name)}`, { json: { on } }),
};
