// 简体中文界面文字，按设计器的各部分分文件。
import type en from "../en/index";
import common from "./common";
import editor from "./editor";
import records from "./records";
import dashboard from "./dashboard";
import environment from "./environment";
import capacity from "./capacity";

const zhCN: typeof en = { ...common, ...editor, ...records, ...dashboard, ...environment, ...capacity };

export default zhCN;
