import { z } from 'zod';
import { isStrongPassword, WEAK_PASSWORD_MESSAGE } from './password-policy.js';

/** The shapes staff accounts arrive in, shared by the HTTP routes and `npm run staff`. */
export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9._-]{3,32}$/, 'Tên đăng nhập gồm 3–32 ký tự: chữ thường không dấu, số, ".", "_" hoặc "-".');

export const passwordSchema = z
  .string()
  .min(10, 'Mật khẩu cần ít nhất 10 ký tự.')
  .max(200, 'Mật khẩu dài quá 200 ký tự.')
  .refine((password) => isStrongPassword(password), WEAK_PASSWORD_MESSAGE);

export const roleSchema = z.enum(['admin', 'officer']);

export const communeIdsSchema = z.array(z.string().regex(/^\d{5}$/, 'Mã xã/phường gồm 5 chữ số.')).max(200);

export const newAccountSchema = z.object({
  username: usernameSchema,
  displayName: z.string().trim().min(1).max(100).optional(),
  role: roleSchema,
  communes: communeIdsSchema.default([]),
  password: passwordSchema,
});
export type NewAccount = z.infer<typeof newAccountSchema>;

export const accountPatchSchema = z
  .object({
    displayName: z.string().trim().min(1).max(100).optional(),
    role: roleSchema.optional(),
    communes: communeIdsSchema.optional(),
    disabled: z.boolean().optional(),
    password: passwordSchema.optional(),
  })
  .strict();
export type AccountPatch = z.infer<typeof accountPatchSchema>;
