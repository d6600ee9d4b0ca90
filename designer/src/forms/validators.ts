// Form validation without `eval`: the node types known when the designer was built use ajv8 validators
// precompiled by scripts/compile-validators.mjs; a node type installed later (or changed since) is validated by
// @cfworker/json-schema, an interpreter. Either way the service's check has the last word.
import { Validator as Interpreter } from "@cfworker/json-schema";
import { toErrorSchema, type RJSFSchema, type RJSFValidationError, type ValidatorType } from "@rjsf/utils";
import { createPrecompiledValidator, type Localizer } from "@rjsf/validator-ajv8";
import localizeEn from "ajv-i18n/localize/en";
import localizeZh from "ajv-i18n/localize/zh";
import { PRECOMPILED } from "../generated/validators";
import i18n from "../i18n";
import type { Json } from "../model/types";

const localizer: Localizer = (errors) => (i18n.language.startsWith("zh") ? localizeZh(errors) : localizeEn(errors));

function sameSchema(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** An rjsf validator over @cfworker/json-schema for schemas no validator was precompiled for. */
function interpreted(): ValidatorType {
  const check = (schema: RJSFSchema, data: unknown) => new Interpreter(schema as object, "2020-12", false).validate(data);
  return {
    validateFormData(formData, schema) {
      const result = check(schema, formData ?? {});
      const errors: RJSFValidationError[] = result.errors
        .filter((e) => e.keyword !== "properties" && e.keyword !== "$ref")
        .map((e) => {
          const property = e.instanceLocation.replace(/^#/, "").replaceAll("/", ".");
          return { name: e.keyword, property, message: e.error, stack: `${property} ${e.error}`.trim(), schemaPath: e.keywordLocation };
        });
      return { errors, errorSchema: toErrorSchema(errors) };
    },
    isValid: (schema, formData) => check(schema, formData).valid,
    rawValidation: (schema, formData) => ({ errors: check(schema, formData).errors }),
  } as ValidatorType;
}

/** The schema to give the form and its validator, for a node type's parameters as the service describes them. */
export function formValidation(type: string, schema: Json): { schema: RJSFSchema; validator: ValidatorType } {
  const known = PRECOMPILED[type];
  if (known) {
    const { $id: _id, ...compiled } = known.schema as Record<string, Json>;
    if (sameSchema(compiled, schema)) {
      return { schema: known.schema, validator: createPrecompiledValidator(known.fns, known.schema, localizer) };
    }
  }
  const rjsfSchema = schema as RJSFSchema;
  return { schema: rjsfSchema, validator: interpreted() };
}
