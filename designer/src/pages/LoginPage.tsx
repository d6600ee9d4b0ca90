// Log in with a user name and password (and a tenant when the service has several).
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../api";
import { setLanguage, type UiLanguage } from "../i18n";
import { tenantZone, useSession } from "../store/session";

export function LoginPage() {
  const { t, i18n } = useTranslation();
  const setUser = useSession((s) => s.setUser);
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [tenant, setTenant] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError("");
    try {
      const { user } = await api.login(username, password, tenant || undefined);
      const me = await api.me().catch(() => null);
      useSession.getState().setTimeZone(me ? tenantZone(me) : undefined);
      setUser(user);
      if (!window.location.hash || window.location.hash === "#/login") window.location.hash = "#/flows";
    } catch (e) {
      if (e instanceof ApiError && e.status === 429) setError(t("login.tooMany"));
      else if (e instanceof ApiError && e.status === 401) setError(t("login.failed"));
      else setError(String(e instanceof Error ? e.message : e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login">
      <form className="login-card" onSubmit={submit}>
        <h1>Callflow</h1>
        <p className="muted">{t("login.tagline")}</p>
        <label>
          {t("login.username")}
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} autoFocus />
        </label>
        <label>
          {t("login.password")}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <label>
          {t("login.tenant")}
          <input name="tenant" placeholder="default" value={tenant} onChange={(e) => setTenant(e.target.value)} />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || !username || !password}>
          {t("login.submit")}
        </button>
        <select
          aria-label={t("nav.language")}
          value={i18n.language}
          onChange={(e) => setLanguage(e.target.value as UiLanguage)}
        >
          <option value="zh-CN">中文</option>
          <option value="en">English</option>
        </select>
      </form>
    </div>
  );
}
