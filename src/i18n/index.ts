import { zhCN } from './zh-CN';
export const t = zhCN;
export const LANG = 'zh-CN';
