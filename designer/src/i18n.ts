// The interface in Chinese and English: zh-CN first for a Chinese browser, the user's choice remembered.
import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./locales/en/index";
import zhCN from "./locales/zh-CN/index";

export const LANGUAGES = ["zh-CN", "en"] as const;
export type UiLanguage = (typeof LANGUAGES)[number];
const STORAGE_KEY = "callflow.language";

export function initialLanguage(): UiLanguage {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === "zh-CN" || saved === "en") return saved;
  return navigator.languages.some((l) => l.toLowerCase().startsWith("zh")) ? "zh-CN" : "en";
}

export function setLanguage(language: UiLanguage) {
  localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
  void i18n.changeLanguage(language);
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, "zh-CN": { translation: zhCN } },
  lng: initialLanguage(),
  fallbackLng: "en",
  interpolation: { escapeValue: false },
  showSupportNotice: false,
});
document.documentElement.lang = i18n.language;

export default i18n;
