// A prompt parameter: choose the prompt, edit its text in each of the flow's languages side by side, and play
// each as the service renders it (espeak-ng).
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import type { FlowGraph } from "../model/types";
import { flush } from "../store/autosave";
import { useEditor } from "../store/editor";

export function setPromptText(promptId: string, language: string, text: string) {
  useEditor.getState().update((flow) => {
    const prompts = flow.prompts ?? [];
    const exists = prompts.some((p) => p.id === promptId);
    const next = exists
      ? prompts.map((p) => (p.id === promptId ? { ...p, text: { ...(p.text ?? {}), [language]: text } } : p))
      : [...prompts, { id: promptId, text: { [language]: text } }];
    return { ...flow, prompts: next };
  }, undefined, `prompt:${promptId}:${language}`);
}

function languagesOf(flow: FlowGraph): string[] {
  return flow.languages?.length ? flow.languages : ["zh-CN"];
}

export function PromptEditor({
  value,
  onChange,
  readOnly,
  id,
}: {
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  readOnly: boolean;
  id: string;
}) {
  const { t } = useTranslation();
  const flow = useEditor((s) => s.flow)!;
  const name = useEditor((s) => s.name)!;
  const audio = useRef<HTMLAudioElement | null>(null);
  const [playing, setPlaying] = useState<string | null>(null);
  const prompt = flow.prompts?.find((p) => p.id === value);
  const play = async (language: string) => {
    if (!value) return;
    await flush();
    audio.current?.pause();
    const element = new Audio(`${api.promptAudioUrl(name, value, language)}?r=${useEditor.getState().revision}`);
    audio.current = element;
    setPlaying(language);
    element.onended = () => setPlaying(null);
    element.onerror = () => setPlaying(null);
    await element.play().catch(() => setPlaying(null));
  };
  return (
    <div className="prompt-editor">
      <select id={id} value={value ?? ""} disabled={readOnly} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">—</option>
        {(flow.prompts ?? []).map((p) => (
          <option key={p.id} value={p.id}>
            {p.id}
          </option>
        ))}
      </select>
      {!readOnly && (
        <button
          type="button"
          className="ghost small"
          onClick={() => {
            const newId = window.prompt(t("prompt.newId"));
            if (newId) {
              setPromptText(newId, languagesOf(flow)[0], "");
              onChange(newId);
            }
          }}
        >
          + {t("prompt.new")}
        </button>
      )}
      {value && (
        <div className="prompt-texts">
          {languagesOf(flow).map((language) => (
            <div key={language} className="prompt-text">
              <span className="lang">{language}</span>
              <textarea
                data-testid={`prompt-${value}-${language}`}
                aria-label={`${value} ${language}`}
                readOnly={readOnly}
                value={prompt?.text?.[language] ?? ""}
                placeholder={prompt?.file?.[language] ?? prompt?.file?.["*"] ?? ""}
                onChange={(e) => setPromptText(value, language, e.target.value)}
                rows={2}
              />
              <button type="button" className="ghost play" onClick={() => void play(language)} aria-label={t("prompt.play")}>
                {playing === language ? "■" : "▶"}
              </button>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
