// The selected node's form: its id, its parameters (a form generated from the node type's JSON Schema), its
// exits (connect each to a node from a list, so the whole editor works with the keyboard) and its diagnostics.
import Form from "@rjsf/core";
import type { RegistryWidgetsType, RJSFSchema, UiSchema, WidgetProps } from "@rjsf/utils";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import { glyph } from "../canvas/icons";
import { PromptEditor } from "../forms/PromptEditor";
import { formValidation } from "../forms/validators";
import { isAnnotationId } from "../model/annotations";
import { AnnotationInspector } from "./AnnotationInspector";
import { exitsOf, familyWords, outgoingByNode } from "../model/exits";
import type { Json } from "../model/types";
import { connect, disconnect, removeNodes, renameNode, setParams, useEditor } from "../store/editor";
import { useSelection } from "../store/selection";

/** Where the environment (callflow.toml) lists the names a parameter of each reference kind can take. */
const ENVIRONMENT_SECTION: Record<string, string> = {
  queue: "queues",
  mailbox: "mailboxes",
  destination: "destinations",
  source: "sources",
  schedule: "schedules",
};

let environmentNames: Promise<Record<string, string[]>> | null = null;
function loadEnvironmentNames() {
  environmentNames ??= api.environment().then(
    ({ env }) =>
      Object.fromEntries(
        Object.entries(ENVIRONMENT_SECTION).map(([kind, section]) => [
          kind,
          Object.keys((env[section] as Record<string, Json> | undefined) ?? {}),
        ]),
      ),
    () => ({}),
  );
  return environmentNames;
}

function PromptWidget(props: WidgetProps) {
  return <PromptEditor id={props.id} value={props.value} onChange={props.onChange} readOnly={!!(props.readonly || props.disabled)} />;
}

function NameWidget(props: WidgetProps) {
  const [names, setNames] = useState<string[]>([]);
  const kind = String(props.schema["x-callflow-ref"] ?? "");
  useEffect(() => {
    void loadEnvironmentNames().then((all) => setNames(all[kind] ?? []));
  }, [kind]);
  const listId = `${props.id}-names`;
  return (
    <>
      <input
        id={props.id}
        list={listId}
        value={props.value ?? ""}
        readOnly={!!(props.readonly || props.disabled)}
        onChange={(e) => props.onChange(e.target.value || undefined)}
      />
      <datalist id={listId}>{names.map((n) => <option key={n} value={n} />)}</datalist>
    </>
  );
}

const widgets: RegistryWidgetsType = { prompt: PromptWidget, name: NameWidget };

function uiSchemaFor(schema: RJSFSchema, readOnly: boolean): UiSchema {
  const ui: UiSchema = { "ui:submitButtonOptions": { norender: true }, "ui:readonly": readOnly };
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (typeof property !== "object") continue;
    const ref = (property as Record<string, Json>)["x-callflow-ref"];
    if (ref === "prompt") ui[name] = { "ui:widget": "prompt" };
    else if (typeof ref === "string" && ref in ENVIRONMENT_SECTION) ui[name] = { "ui:widget": "name" };
  }
  return ui;
}

export function Inspector({ readOnly }: { readOnly: boolean }) {
  const { t } = useTranslation();
  const selected = useSelection((s) => s.selected);
  const flow = useEditor((s) => s.flow);
  const types = useEditor((s) => s.nodeTypes);
  const diagnostics = useEditor((s) => s.diagnostics);
  const [newExit, setNewExit] = useState("");
  const nodeId = selected.size === 1 ? [...selected][0] : null;
  const node = flow?.nodes.find((n) => n.id === nodeId);
  const info = node ? types[node.type] : undefined;
  const validation = useMemo(() => (info ? formValidation(info.type, info.params_schema) : null), [info]);
  const uiSchema = useMemo(() => (validation ? uiSchemaFor(validation.schema, readOnly) : {}), [validation, readOnly]);
  const [idText, setIdText] = useState(nodeId ?? "");
  useEffect(() => setIdText(nodeId ?? ""), [nodeId]);

  if (!flow) return null;
  if (selected.size > 1) {
    return (
      <div className="inspector">
        <p>{t("inspector.many", { count: selected.size })}</p>
        {!readOnly && (
          <button type="button" className="danger" onClick={() => removeNodes([...selected])}>
            {t("inspector.delete")}
          </button>
        )}
      </div>
    );
  }
  if (!node && nodeId && isAnnotationId(nodeId)) return <AnnotationInspector id={nodeId} readOnly={readOnly} />;
  if (!node) return <p className="muted">{t("inspector.none")}</p>;

  const exits = exitsOf(info, outgoingByNode(flow.edges).get(node.id) ?? []);
  const words = familyWords(info);
  const others = flow.nodes.filter((n) => n.id !== node.id).map((n) => n.id);
  const mine = diagnostics.filter((d) => d.node === node.id);
  const commitId = () => {
    const to = idText.trim();
    if (to && to !== node.id && !flow.nodes.some((n) => n.id === to) && /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(to)) {
      renameNode(node.id, to);
      useSelection.getState().select([to]);
    } else setIdText(node.id);
  };

  return (
    <div className="inspector" data-testid="inspector" data-node={node.id}>
      <div className="inspector-head">
        <span className="fnode-icon">{info ? glyph(info.icon, info.type) : ""}</span>
        <strong>{t(`nodeType.${node.type}`, { defaultValue: info?.label ?? node.type })}</strong>
        <input
          className="mono node-id-input"
          aria-label={t("inspector.id")}
          value={idText}
          readOnly={readOnly}
          onChange={(e) => setIdText(e.target.value)}
          onBlur={commitId}
          onKeyDown={(e) => e.key === "Enter" && commitId()}
        />
      </div>
      {info?.description && <p className="muted small">{info.description}</p>}
      {mine.length > 0 && (
        <ul className="checks compact">
          {mine.map((d, i) => (
            <li key={i} className={`check check-${d.severity}`}>
              <span className="check-code">{d.code}</span> <span className="check-message">{d.message}</span>
            </li>
          ))}
        </ul>
      )}
      {validation && (
        <Form
          key={node.id}
          schema={validation.schema}
          validator={validation.validator}
          uiSchema={uiSchema}
          widgets={widgets}
          formData={node.params ?? {}}
          liveValidate="onChange"
          showErrorList={false}
          readonly={readOnly}
          omitExtraData={false}
          onChange={(event) => {
            if (readOnly) return;
            const params = event.formData as Record<string, Json>;
            if (JSON.stringify(params) !== JSON.stringify(node.params ?? {})) setParams(node.id, params);
          }}
        />
      )}
      <h4>{t("inspector.exits")}</h4>
      <table className="exits-table" data-testid="exits">
        <tbody>
          {exits.map((exit) => (
            <tr key={exit.name} className={!exit.wired && exit.required ? "unwired-required" : ""}>
              <td className="mono">{exit.name}</td>
              <td>
                <select
                  aria-label={t("inspector.exitTarget", { exit: exit.name })}
                  data-exit={exit.name}
                  value={exit.target ?? ""}
                  disabled={readOnly}
                  onChange={(e) => (e.target.value ? connect(node.id, exit.name, e.target.value) : disconnect(node.id, exit.name))}
                >
                  <option value="">{exit.required ? t("inspector.unwired") : "—"}</option>
                  {others.concat(node.id).map((id) => (
                    <option key={id} value={id}>
                      {id}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!readOnly && (words.length > 0 || info?.open_exits) && (
        <form
          className="add-exit"
          onSubmit={(e) => {
            e.preventDefault();
            const target = (e.currentTarget.elements.namedItem("target") as HTMLSelectElement).value;
            const label = newExit.trim();
            if (label && target) {
              connect(node.id, label, target);
              setNewExit("");
            }
          }}
        >
          <input
            placeholder={words.length ? `${words[0]} …` : t("inspector.exitName")}
            value={newExit}
            onChange={(e) => setNewExit(e.target.value)}
            aria-label={t("inspector.newExit")}
            name="exit"
          />
          <select name="target" aria-label={t("inspector.newExitTarget")}>
            {others.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
          <button type="submit" className="ghost">
            + {t("inspector.addExit")}
          </button>
        </form>
      )}
      {!readOnly && (
        <button type="button" className="danger ghost" onClick={() => removeNodes([node.id])} data-testid="delete-node">
          {t("inspector.delete")}
        </button>
      )}
    </div>
  );
}
