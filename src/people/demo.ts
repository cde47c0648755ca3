import type { NewUser } from '../store';
import type { OrgRecord } from '../store/types';

/** The demo organisation seeded into an empty store outside production. */
export const DEMO_ORG: OrgRecord = {
  name: '安居物业服务有限公司',
  sites: ['阳光花园', '翠湖天地'],
  departments: ['客服部', '工程部', '培训部', '人力资源部', '综合管理部'],
};

export const DEMO_PASSWORD = 'demo1234';

type DemoUser = Omit<NewUser, 'passwordHash'>;

/** One account per role first (shown on the login page), then more trainees. */
export const DEMO_USERS: DemoUser[] = [
  { username: 'trainee', displayName: '王小明', role: 'trainee', department: '客服部', site: '阳光花园', hireDate: '2026-11-02' },
  { username: 'trainer', displayName: '刘志强', role: 'trainer', department: '培训部', site: '阳光花园' },
  { username: 'hr', displayName: '陈丽华', role: 'hr', department: '人力资源部', site: '翠湖天地' },
  { username: 'admin', displayName: '周建国', role: 'admin', department: '综合管理部', site: '翠湖天地' },
  { username: 'li.xiaoting', displayName: '李晓婷', role: 'trainee', department: '客服部', site: '阳光花园', hireDate: '2026-11-02' },
  { username: 'zhang.wei', displayName: '张伟', role: 'trainee', department: '客服部', site: '翠湖天地', hireDate: '2026-10-12' },
  { username: 'zhao.min', displayName: '赵敏', role: 'trainee', department: '工程部', site: '翠湖天地', hireDate: '2026-10-12' },
  { username: 'sun.hao', displayName: '孙浩', role: 'trainee', department: '客服部', site: '阳光花园', hireDate: '2026-09-01' },
];

export const DEMO_LOGINS = DEMO_USERS.slice(0, 4);
