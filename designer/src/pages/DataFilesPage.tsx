// The tenant's data files, for admins: the CSV and SQLite files lookups read and the environments tests name.
// Upload a file whole (a lookup never reads half of one), replace, download or delete it.
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError, type DataFile } from "../api";
import { useWhen } from "../format";

/** A path the service takes: names of letters, digits, `_ . -` separated by `/`, at most four deep, no hidden
 * files (runtime/service/files.py). */
const PART = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;
export const validPath = (path: string) => {
  const parts = path.split("/");
  return parts.length > 0 && parts.length <= 4 && parts.every((p) => PART.test(p) && p !== "..");
};

function size(bytes: number) {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function DataFilesPage() {
  const when = useWhen();
  const { t } = useTranslation();
  const [files, setFiles] = useState<DataFile[] | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [chosen, setChosen] = useState<File | null>(null);
  const [path, setPath] = useState("");
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const reload = useCallback(() => {
    api.files().then(
      (r) => setFiles(r.files),
      (e) => setMessage({ ok: false, text: e instanceof ApiError ? e.message : String(e) }),
    );
  }, []);
  useEffect(reload, [reload]);

  const upload = async (target: string, file: File) => {
    if (!validPath(target)) {
      setMessage({ ok: false, text: t("files.badPath") });
      return;
    }
    if (files?.some((f) => f.path === target) && !window.confirm(t("files.confirmReplace", { path: target }))) return;
    setBusy(true);
    setMessage(null);
    try {
      const written = await api.putFile(target, file);
      setMessage({ ok: true, text: t("files.uploaded", { path: written.path, size: size(written.size) }) });
      setChosen(null);
      setPath("");
      if (input.current) input.current.value = "";
      reload();
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  const remove = async (file: DataFile) => {
    if (!window.confirm(t("files.confirmDelete", { path: file.path }))) return;
    try {
      await api.deleteFile(file.path);
      setMessage({ ok: true, text: t("files.deleted", { path: file.path }) });
      reload();
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError ? e.message : String(e) });
    }
  };

  return (
    <div className="data-files" data-testid="data-files">
      <div className="list-head">
        <h1>{t("files.title")}</h1>
      </div>
      <p className="muted">{t("files.intro")}</p>
      <form
        className="upload"
        onSubmit={(e) => {
          e.preventDefault();
          if (chosen) void upload(path.trim(), chosen);
        }}
      >
        <input
          ref={input}
          type="file"
          aria-label={t("files.choose")}
          data-testid="file-input"
          onChange={(e) => {
            const file = e.target.files?.[0] ?? null;
            setChosen(file);
            if (file && !path) setPath(`data/${file.name}`);
          }}
        />
        <label>
          {t("files.path")}
          <input
            value={path}
            onChange={(e) => setPath(e.target.value)}
            className={`mono ${path && !validPath(path.trim()) ? "invalid" : ""}`}
            placeholder="data/tickets.csv"
            data-testid="file-path"
          />
        </label>
        <button type="submit" className="primary" disabled={!chosen || !path.trim() || busy} data-testid="upload">
          {busy ? t("files.uploading") : t("files.upload")}
        </button>
      </form>
      {message && (
        <p className={message.ok ? "ok" : "error"} role={message.ok ? "status" : "alert"} data-testid="files-message">
          {message.text}
        </p>
      )}
      {files === null ? (
        <p className="muted">{t("loading")}</p>
      ) : (
        <table className="table" data-testid="file-table">
          <thead>
            <tr>
              <th>{t("files.path")}</th>
              <th>{t("files.size")}</th>
              <th>{t("files.modified")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {files.map((file) => (
              <tr key={file.path} data-path={file.path}>
                <td className="mono">
                  <a href={api.fileUrl(file.path)} download={file.path.split("/").pop()}>
                    {file.path}
                  </a>
                </td>
                <td>{size(file.size)}</td>
                <td>{when(new Date(file.modified * 1000).toISOString())}</td>
                <td className="actions">
                  <label className="ghost button-like">
                    {t("files.replace")}
                    <input
                      type="file"
                      hidden
                      data-testid={`replace-${file.path}`}
                      onChange={(e) => {
                        const replacement = e.target.files?.[0];
                        if (replacement) void upload(file.path, replacement);
                        e.target.value = "";
                      }}
                    />
                  </label>
                  <button type="button" className="ghost danger" onClick={() => void remove(file)} data-testid={`delete-${file.path}`}>
                    {t("files.delete")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
