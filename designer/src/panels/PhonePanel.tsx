// Test on the page: a phone with a keypad, a "say" box, caller and called numbers and a "call at" date-time (the
// simulator's virtual clock). Each step re-runs the deterministic simulation with one more caller input, streamed
// from the service: prompts appear as they come (and play, one after another, the ones the caller has not heard
// yet), the path lights up node by node and can then be stepped through; the call can be saved as a test case.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError, type SimulateResult } from "../api";
import { streamCall } from "../simulationStream";
import type { Json, TraceEvent } from "../model/types";
import { flush } from "../store/autosave";
import { useEditor } from "../store/editor";
import { useOverlay } from "../store/overlay";
import { enqueuePrompt, stopPrompts, usePlaying } from "./promptPlayer";

const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];

function localDateTime(date: Date) {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function describe(event: TraceEvent, t: (key: string, options?: Record<string, unknown>) => string): string {
  switch (event.event) {
    case "prompt":
      return String(event.text ?? event.prompt ?? "");
    case "input":
      return event.dtmf !== undefined ? t("phone.pressed", { keys: event.dtmf }) : t("phone.said", { text: event.speech ?? event.say ?? "" });
    case "schedule":
      return t("phone.schedule", { name: event.schedule, state: event.state });
    default: {
      const { t: _time, event: _name, node: _node, ...rest } = event;
      return `${event.event} ${Object.entries(rest).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(" ")}`;
    }
  }
}

export function PhonePanel({ name, canSave }: { name: string; canSave: boolean }) {
  const { t, i18n } = useTranslation();
  const languages = useEditor((s) => s.flow?.languages ?? []);
  const [at, setAt] = useState(() => localDateTime(new Date()));
  const [caller, setCaller] = useState("13800000000");
  const [called, setCalled] = useState("12345");
  const [inputs, setInputs] = useState<string[]>([]);
  const [say, setSay] = useState("");
  const [result, setResult] = useState<SimulateResult | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState("");
  const [playAudio, setPlayAudio] = useState(false);
  const setPath = useOverlay((s) => s.setPath);
  const setStep = useOverlay((s) => s.setStep);
  const step = useOverlay((s) => s.step);
  const playing = usePlaying((s) => s.text);
  const [streamed, setStreamed] = useState<TraceEvent[]>([]);
  /** How many of the transcript's events the caller had already lived before the latest step. */
  const [known, setKnown] = useState(0);
  const abort = useRef<AbortController | null>(null);

  const run = useCallback(
    async (script: string[], previous: TraceEvent[]) => {
      abort.current?.abort();
      const controller = new AbortController();
      abort.current = controller;
      stopPrompts();
      setBusy(true);
      setError("");
      setSaved("");
      // A step replays the same call with one more input: what came before the caller's hang-up was heard already.
      const heard = previous.filter((e) => !(e.event === "end" || (e.event === "hangup" && e.by === "caller"))).length;
      setKnown(heard);
      setStreamed([]);
      setPath([]);
      try {
        await flush();
        const events: TraceEvent[] = [];
        const lit: string[] = [];
        const end = await streamCall(
          name,
          {
            version: "draft",
            at: `${at}:00`,
            from: caller,
            to: called,
            // The caller hangs up when the script runs out: the call stops where the flow would wait for the next
            // key or word.
            input: [...script, "hangup"],
          },
          (event) => {
            events.push(event);
            setStreamed([...events]);
            if (event.node && lit[lit.length - 1] !== event.node) {
              lit.push(event.node);
              setPath([...lit]);
            }
            if (playAudio && event.event === "prompt" && events.length > heard && event.prompt) {
              const language = String(event.lang ?? languages[0] ?? "zh-CN");
              enqueuePrompt(api.promptAudioUrl(name, String(event.prompt), language), String(event.text ?? event.prompt));
            }
          },
          controller.signal,
        );
        const hungUp = events.some((e) => (e.event === "hangup" || e.event === "end") && e.by === "caller");
        setInputs(script);
        setResult({ events, reason: end.reason, nodes: end.nodes, waiting_for_input: hungUp });
        setPath(end.nodes);
      } catch (e) {
        if (!controller.signal.aborted) setError(e instanceof ApiError ? e.message : String(e));
      } finally {
        if (abort.current === controller) setBusy(false);
      }
    },
    [name, at, caller, called, setPath, playAudio, languages],
  );

  useEffect(
    () => () => {
      abort.current?.abort();
      stopPrompts();
    },
    [],
  );
  useEffect(() => () => setPath([]), [setPath]);

  const ended = result && !result.waiting_for_input;
  const press = (key: string) => {
    if (!result || ended) return;
    void run([...inputs, `dtmf:${key}`], result.events);
  };
  const events = useMemo(() => streamed.filter((e) => e.event !== "start"), [streamed]);
  const firstNew = known - (streamed.length && streamed[0].event === "start" ? 1 : 0);

  const saveCase = async () => {
    const caseName = window.prompt(t("phone.caseName"), `call at ${at}`);
    if (!caseName || !result) return;
    // The call as made: what was heard, where it went, how it ended (hung up by the caller where it waited).
    const heard = result.events.filter((e) => e.event === "prompt" && typeof e.text === "string").map((e) => e.text as string);
    const expect: Record<string, Json> = { reached: [...new Set(result.nodes)] };
    if (heard.length) expect.heard = heard;
    expect.ended = result.waiting_for_input ? "hangup" : { reason: result.reason };
    try {
      await api.addTestCase(name, {
        name: caseName,
        input: result.waiting_for_input ? [...inputs, "hangup"] : inputs,
        at: `${at}:00`,
        from: caller,
        to: called,
        expect,
      });
      setSaved(caseName);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  return (
    <div className="phone" data-testid="phone">
      <div className="phone-settings">
        <label>
          {t("phone.callAt")}
          <input type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} data-testid="call-at" />
        </label>
        <input
          type="range"
          min={0}
          max={7 * 24 * 4 - 1}
          aria-label={t("phone.scrub")}
          value={(() => {
            const d = new Date(at);
            return ((d.getDay() + 6) % 7) * 96 + d.getHours() * 4 + Math.floor(d.getMinutes() / 15);
          })()}
          onChange={(e) => {
            const d = new Date(at);
            const monday = new Date(d);
            monday.setDate(d.getDate() - ((d.getDay() + 6) % 7));
            const quarter = Number(e.target.value);
            monday.setHours(0, 0, 0, 0);
            monday.setMinutes(quarter * 15);
            setAt(localDateTime(monday));
          }}
        />
        <div className="muted small scrub-label">
          {new Date(at).toLocaleString(i18n.language, { weekday: "long", hour: "2-digit", minute: "2-digit" })}
        </div>
        <label>
          {t("phone.caller")}
          <input value={caller} onChange={(e) => setCaller(e.target.value)} data-testid="caller" />
        </label>
        <label>
          {t("phone.called")}
          <input value={called} onChange={(e) => setCalled(e.target.value)} data-testid="called" />
        </label>
        <label className="inline">
          <input type="checkbox" checked={playAudio} onChange={(e) => setPlayAudio(e.target.checked)} />
          {t("phone.playAudio")}
        </label>
      </div>
      <div className="phone-actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void run([], [])} data-testid="call">
          {result ? t("phone.again") : t("phone.call")}
        </button>
        {result && (
          <button
            type="button"
            className="ghost"
            onClick={() => {
              abort.current?.abort();
              stopPrompts();
              setResult(null);
              setStreamed([]);
              setInputs([]);
              setPath([]);
            }}
          >
            {t("phone.hangUp")}
          </button>
        )}
      </div>
      <div className="keypad" aria-label={t("phone.keypad")}>
        {KEYS.map((key) => (
          <button type="button" key={key} disabled={busy || !result || !!ended} onClick={() => press(key)} data-key={key}>
            {key}
          </button>
        ))}
      </div>
      <form
        className="say"
        onSubmit={(e) => {
          e.preventDefault();
          if (say.trim() && result && !ended) {
            void run([...inputs, `say:${say.trim()}`], result.events);
            setSay("");
          }
        }}
      >
        <input placeholder={t("phone.say")} value={say} onChange={(e) => setSay(e.target.value)} disabled={!result || !!ended} />
        <button type="submit" className="ghost" disabled={!result || !!ended}>
          {t("phone.sayButton")}
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {playing && (
        <p className="now-playing small" data-testid="now-playing">
          ▶ {playing}
        </p>
      )}
      {!result && events.length > 0 && (
        <ol className="transcript" data-testid="transcript">
          {events.map((event, i) => (
            <li key={i} className={`ev ev-${event.event} ${i >= firstNew ? "ev-new" : ""}`}>
              <span className="mono small">{event.node}</span> {describe(event, t)}
            </li>
          ))}
        </ol>
      )}
      {result && (
        <>
          <div className="call-state" data-testid="call-state" data-waiting={result.waiting_for_input ? "yes" : "no"}>
            {result.waiting_for_input ? t("phone.waiting") : t("phone.ended", { reason: result.reason })}
          </div>
          <div className="stepper">
            <button type="button" className="ghost" onClick={() => setStep(Math.max(0, (step ?? result.nodes.length - 1) - 1))}>
              ◀
            </button>
            <span className="small">
              {t("phone.step", { step: (step ?? result.nodes.length - 1) + 1, count: result.nodes.length })}
            </span>
            <button
              type="button"
              className="ghost"
              onClick={() => {
                const next = (step ?? result.nodes.length - 1) + 1;
                setStep(next >= result.nodes.length - 1 ? null : next);
              }}
            >
              ▶
            </button>
          </div>
          <ol className="transcript" data-testid="transcript">
            {events.map((event, i) => (
              <li key={i} className={`ev ev-${event.event} ${i >= firstNew ? "ev-new" : ""}`}>
                <span className="muted small">{event.t.toFixed(1)}s</span> <span className="mono small">{event.node}</span>{" "}
                {describe(event, t)}
              </li>
            ))}
          </ol>
          {canSave && (
            <button type="button" className="ghost" onClick={() => void saveCase()} data-testid="save-case">
              {t("phone.saveCase")}
            </button>
          )}
          {saved && <p className="ok">{t("phone.savedCase", { name: saved })}</p>}
        </>
      )}
    </div>
  );
}
