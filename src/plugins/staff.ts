import fp from 'fastify-plugin';
import { registerStaffConsole } from './staff-routes.js';

/**
 * Staff accounts and sessions, the audit log and the console page. Decorates `staffGuard` (the onRequest hook of
 * every staff-only route) and `audit`: plugins that use them name 'staff' among their dependencies.
 */
export const staffPlugin = fp(registerStaffConsole, { name: 'staff' });
