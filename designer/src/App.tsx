// The designer's frame: the top bar (user, language, pages) and the page the address names.
import { lazy, Suspense, useEffect } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "./api";
import { setLanguage, type UiLanguage } from "./i18n";
import { EditorPage } from "./pages/EditorPage";
import { FlowListPage } from "./pages/FlowListPage";
import { LoginPage } from "./pages/LoginPage";
import { go, useRoute } from "./route";
import { canPublish, tenantZone, useSession } from "./store/session";
import { useWaiting, useWaitingMessages } from "./store/waiting";

const DataFilesPage = lazy(() => import("./pages/DataFilesPage").then((m) => ({ default: m.DataFilesPage })));
const CapacityPage = lazy(() => import("./pages/CapacityPage").then((m) => ({ default: m.CapacityPage })));
const DashboardPage = lazy(() => import("./pages/DashboardPage").then((m) => ({ default: m.DashboardPage })));
const ReportsPage = lazy(() => import("./pages/ReportsPage").then((m) => ({ default: m.ReportsPage })));
const VoicemailPage = lazy(() => import("./pages/VoicemailPage").then((m) => ({ default: m.VoicemailPage })));
const EnvironmentPage = lazy(() => import("./pages/EnvironmentPage").then((m) => ({ default: m.EnvironmentPage })));

export function App() {
  const { t, i18n } = useTranslation();
  const route = useRoute();
  const user = useSession((s) => s.user);
  const checked = useSession((s) => s.checked);
  const setUser = useSession((s) => s.setUser);
  const setTimeZone = useSession((s) => s.setTimeZone);
  const waiting = useWaiting((s) => s.waiting);
  useWaitingMessages(!!user);

  useEffect(() => {
    api.me().then(
      (me) => {
        setTimeZone(tenantZone(me));
        setUser(me.user);
      },
      (error) => {
        if (!(error instanceof ApiError)) console.error(error);
        setUser(null);
      },
    );
    const loggedOut = () => setUser(null);
    window.addEventListener("callflow:logged-out", loggedOut);
    return () => window.removeEventListener("callflow:logged-out", loggedOut);
  }, [setUser, setTimeZone]);

  if (!checked) return <div className="splash">Callflow</div>;
  if (!user) return <LoginPage />;

  const logout = async () => {
    await api.logout().catch(() => undefined);
    setUser(null);
  };
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="#/flows">
          Callflow
        </a>
        <nav>
          <a href="#/flows" className={route.page === "flows" || route.page === "flow" || route.page === "capacity" ? "active" : ""}>
            {t("nav.flows")}
          </a>
          <a href="#/environment" className={route.page === "environment" ? "active" : ""}>
            {t("nav.environment")}
          </a>
          <a href="#/dashboard" className={route.page === "dashboard" ? "active" : ""} data-testid="nav-dashboard">
            {t("nav.dashboard")}
          </a>
          <a href="#/reports/calls" className={route.page === "reports" ? "active" : ""} data-testid="nav-reports">
            {t("nav.reports")}
          </a>
          <a href="#/voicemail" className={route.page === "voicemail" ? "active" : ""} data-testid="nav-voicemail">
            {t("nav.voicemail")}
            {!!waiting && (
              <span className="badge badge-waiting" data-testid="nav-voicemail-waiting" title={t("dashboard.hint.voicemail_waiting")}>
                {waiting.toLocaleString(i18n.language)}
              </span>
            )}
          </a>
          {canPublish(user) && (
            <a href="#/files" className={route.page === "files" ? "active" : ""} data-testid="nav-files">
              {t("nav.files")}
            </a>
          )}
        </nav>
        <span className="spacer" />
        <select
          aria-label={t("nav.language")}
          data-testid="language"
          value={i18n.language}
          onChange={(e) => setLanguage(e.target.value as UiLanguage)}
        >
          <option value="zh-CN">中文</option>
          <option value="en">English</option>
        </select>
        <span className="user" data-testid="user">
          {user.name} · {t(`role.${user.role}`)}
        </span>
        <button type="button" className="ghost" onClick={logout}>
          {t("nav.logout")}
        </button>
      </header>
      <main className="page">
        {route.page === "flow" ? (
          <EditorPage key={route.name} name={route.name} traffic={route.traffic} heatmap={route.heatmap} />
        ) : route.page === "capacity" ? (
          <Suspense fallback={<p className="muted page-error">{t("loading")}</p>}>
            <CapacityPage key={route.name} name={route.name} job={route.job} />
          </Suspense>
        ) : route.page === "files" && canPublish(user) ? (
          <Suspense fallback={<p className="muted page-error">{t("loading")}</p>}>
            <DataFilesPage />
          </Suspense>
        ) : route.page === "dashboard" ? (
          <Suspense fallback={<p className="muted page-error">{t("loading")}</p>}>
            <DashboardPage />
          </Suspense>
        ) : route.page === "reports" ? (
          <Suspense fallback={<p className="muted page-error">{t("loading")}</p>}>
            <ReportsPage key={route.name} name={route.name} />
          </Suspense>
        ) : route.page === "voicemail" ? (
          <Suspense fallback={<p className="muted page-error">{t("loading")}</p>}>
            <VoicemailPage />
          </Suspense>
        ) : route.page === "environment" ? (
          <Suspense fallback={<p className="muted page-error">{t("loading")}</p>}>
            <EnvironmentPage />
          </Suspense>
        ) : (
          <FlowListPage />
        )}
      </main>
    </div>
  );
}

export { go };
