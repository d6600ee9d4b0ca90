// English interface strings, one file per part of the designer.
import common from "./common";
import editor from "./editor";
import records from "./records";
import dashboard from "./dashboard";
import environment from "./environment";
import capacity from "./capacity";

const en = { ...common, ...editor, ...records, ...dashboard, ...environment, ...capacity };

export default en;
