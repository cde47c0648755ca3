import { zhCN } from './zh-CN';
export const t = zhCN;
export const LANG = 'zh-CN';
export { configureOrgTimeZone, orgTimeZone, isTimeZone, timeZoneLabel, localDay, localMonth, localTimestamp, formatDate, formatDateLong, formatDateTime, formatMonthDayTime, formatTime, DEFAULT_TIME_ZONE } from './format';
