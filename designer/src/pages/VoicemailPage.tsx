// The voicemail inbox: the tenant's messages filtered by mailbox and state, played in the browser, marked read or
// handled with a note (editors), deleted (admins). Viewers see callers' numbers masked, as the service sends them.
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../api";
import { useWhen } from "../format";
import { useWaiting } from "../store/waiting";
import { MESSAGE_STATES, type MessageState, type VoicemailMessage } from "../model/voicemail";
import { canEdit, canPublish, useSession } from "../store/session";

const errorText = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

export function VoicemailPage() {
  const when = useWhen();
  const { t } = useTranslation();
  const user = useSession((s) => s.user);
  const [mailbox, setMailbox] = useState("");
  const [state, setState] = useState("");
  const [mailboxes, setMailboxes] = useState<string[]>([]);
  const [messages, setMessages] = useState<VoicemailMessage[] | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [playing, setPlaying] = useState<{ id: number; url: string } | null>(null);
  const [notes, setNotes] = useState<Record<number, string>>({});
  const audio = useRef<HTMLAudioElement>(null);

  useEffect(() => {
    let current = true; // a slow answer for the filters before must not replace the answer for these
    api.voicemail({ mailbox, state }).then(
      (r) => current && setMessages(r.messages),
      (e) => current && setMessage({ ok: false, text: errorText(e) }),
    );
    return () => {
      current = false;
    };
  }, [mailbox, state]);

  useEffect(() => {
    api.environment().then(
      ({ env }) => {
        const boxes = env.mailboxes;
        if (boxes && typeof boxes === "object" && !Array.isArray(boxes)) setMailboxes(Object.keys(boxes).sort());
      },
      () => undefined, // the filter then offers the mailboxes the messages name
    );
  }, []);
  const offered = [...new Set([...mailboxes, ...(messages ?? []).map((m) => m.mailbox), ...(mailbox ? [mailbox] : [])])].sort();

  useEffect(() => () => (playing ? URL.revokeObjectURL(playing.url) : undefined), [playing]);
  useEffect(() => {
    if (playing) void audio.current?.play().catch(() => undefined); // the controls stay for a browser that refuses
  }, [playing]);

  const replace = (marked: VoicemailMessage) =>
    setMessages((list) => {
      if (!list) return list;
      if (state && marked.state !== state) return list.filter((m) => m.id !== marked.id);
      return list.map((m) => (m.id === marked.id ? marked : m));
    });

  const mark = async (item: VoicemailMessage, change: { state?: MessageState; note?: string }) => {
    try {
      replace(await api.markVoicemail(item.id, change));
      useWaiting.getState().refresh();
      setMessage({ ok: true, text: t("voicemail.marked", { id: item.id, state: t(`voicemail.state.${change.state ?? item.state}`) }) });
    } catch (e) {
      setMessage({ ok: false, text: errorText(e) });
    }
  };

  const play = async (item: VoicemailMessage) => {
    try {
      const blob = await api.voicemailAudio(item.id);
      setPlaying({ id: item.id, url: URL.createObjectURL(blob) });
      if (item.state === "unread" && canEdit(user)) await mark(item, { state: "read" });
    } catch (e) {
      setMessage({ ok: false, text: errorText(e) });
    }
  };

  const remove = async (item: VoicemailMessage) => {
    if (!window.confirm(t("voicemail.confirmDelete", { id: item.id, caller: item.caller }))) return;
    try {
      await api.deleteVoicemail(item.id);
      useWaiting.getState().refresh();
      setMessages((list) => list?.filter((m) => m.id !== item.id) ?? list);
      if (playing?.id === item.id) setPlaying(null);
      setMessage({ ok: true, text: t("voicemail.deleted", { id: item.id }) });
    } catch (e) {
      setMessage({ ok: false, text: errorText(e) });
    }
  };

  return (
    <div className="voicemail" data-testid="voicemail">
      <div className="list-head">
        <h1>{t("voicemail.title")}</h1>
      </div>
      <p className="muted">{t("voicemail.intro")}</p>
      <div className="filters">
        <label>
          {t("voicemail.mailbox")}
          <select value={mailbox} onChange={(e) => setMailbox(e.target.value)} data-testid="voicemail-mailbox">
            <option value="">{t("voicemail.all")}</option>
            {offered.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("voicemail.stateLabel")}
          <select value={state} onChange={(e) => setState(e.target.value)} data-testid="voicemail-state">
            <option value="">{t("voicemail.all")}</option>
            {MESSAGE_STATES.map((name) => (
              <option key={name} value={name}>
                {t(`voicemail.state.${name}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {message && (
        <p className={message.ok ? "ok" : "error"} role={message.ok ? "status" : "alert"} data-testid="voicemail-message">
          {message.text}
        </p>
      )}
      {playing && (
        <audio ref={audio} controls src={playing.url} data-testid="voicemail-audio" data-message={playing.id}>
          <track kind="captions" />
        </audio>
      )}
      {messages === null ? (
        <p className="muted">{t("loading")}</p>
      ) : messages.length === 0 ? (
        <p className="muted" data-testid="voicemail-empty">
          {t("voicemail.empty")}
        </p>
      ) : (
        <table className="table" data-testid="voicemail-table">
          <thead>
            <tr>
              <th>{t("voicemail.time")}</th>
              <th>{t("voicemail.mailbox")}</th>
              <th>{t("voicemail.caller")}</th>
              <th>{t("voicemail.seconds")}</th>
              <th>{t("voicemail.stateLabel")}</th>
              <th>{t("voicemail.note")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {messages.map((item) => (
              <tr key={item.id} data-id={item.id} data-state={item.state} className={`vm-${item.state}`}>
                <td>{when(item.time)}</td>
                <td className="mono">{item.mailbox}</td>
                <td className="mono" data-testid="voicemail-caller">
                  {item.caller}
                </td>
                <td>{item.seconds.toFixed(1)}</td>
                <td data-testid="voicemail-row-state">
                  {t(`voicemail.state.${item.state}`)}
                  {item.state === "handled" && item.handled_by && (
                    <span className="muted"> · {t("voicemail.handledBy", { name: item.handled_by, at: when(item.handled_at) })}</span>
                  )}
                </td>
                <td>
                  {canEdit(user) ? (
                    <input
                      value={notes[item.id] ?? item.note ?? ""}
                      onChange={(e) => setNotes((n) => ({ ...n, [item.id]: e.target.value }))}
                      placeholder={t("voicemail.notePlaceholder")}
                      aria-label={t("voicemail.note")}
                      maxLength={4000}
                      data-testid="voicemail-note"
                    />
                  ) : (
                    item.note
                  )}
                </td>
                <td className="actions">
                  {item.audio ? (
                    <button type="button" className="ghost" onClick={() => void play(item)} data-testid="voicemail-play">
                      {t("voicemail.play")}
                    </button>
                  ) : (
                    <span className="muted" title={t("voicemail.noAudioHint")}>
                      {t("voicemail.noAudio")}
                    </span>
                  )}
                  {canEdit(user) && item.state !== "handled" && (
                    <button
                      type="button"
                      className="primary"
                      onClick={() => void mark(item, { state: "handled", note: notes[item.id] ?? item.note ?? "" })}
                      data-testid="voicemail-handle"
                    >
                      {t("voicemail.markHandled")}
                    </button>
                  )}
                  {canEdit(user) && item.state === "unread" && (
                    <button type="button" className="ghost" onClick={() => void mark(item, { state: "read" })} data-testid="voicemail-read">
                      {t("voicemail.markRead")}
                    </button>
                  )}
                  {canEdit(user) && item.state !== "unread" && (
                    <button type="button" className="ghost" onClick={() => void mark(item, { state: "unread" })} data-testid="voicemail-unread">
                      {t("voicemail.markUnread")}
                    </button>
                  )}
                  {canEdit(user) && item.state === "handled" && notes[item.id] !== undefined && notes[item.id] !== (item.note ?? "") && (
                    <button type="button" className="ghost" onClick={() => void mark(item, { note: notes[item.id] })} data-testid="voicemail-save-note">
                      {t("voicemail.saveNote")}
                    </button>
                  )}
                  {canPublish(user) && (
                    <button type="button" className="ghost danger" onClick={() => void remove(item)} data-testid="voicemail-delete">
                      {t("voicemail.delete")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
