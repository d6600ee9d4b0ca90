// Plays prompts one after another, as a caller hears them: each queued prompt starts when the one before ends.
import { create } from "zustand";

interface Playing {
  /** The prompt being played, if any (the phone panel shows it). */
  text: string | null;
}

export const usePlaying = create<Playing>()(() => ({ text: null }));

let queue: { url: string; text: string }[] = [];
let audio: HTMLAudioElement | null = null;

function next() {
  const item = queue.shift();
  if (!item) {
    audio = null;
    usePlaying.setState({ text: null });
    return;
  }
  audio = new Audio(item.url);
  usePlaying.setState({ text: item.text });
  audio.onended = next;
  audio.onerror = next;
  audio.play().catch(next);
}

export function enqueuePrompt(url: string, text: string) {
  queue.push({ url, text });
  if (!audio) next();
}

export function stopPrompts() {
  queue = [];
  if (audio) {
    audio.onended = null;
    audio.onerror = null;
    audio.pause();
  }
  audio = null;
  usePlaying.setState({ text: null });
}
