import { z } from 'zod';

export const TITLE_MAX = 150;
/** Up to three Zalo messages (2,000 characters each) with the header and the unsubscribe line. */
export const BODY_MAX = 5000;

export const newAnnouncementSchema = z
  .object({
    title: z.string().trim().min(3).max(TITLE_MAX),
    body: z.string().trim().min(1).max(BODY_MAX),
    communes: z.union([
      z.literal('all'),
      z
        .array(z.string().regex(/^\d{5}$/, 'Mã xã/phường gồm 5 chữ số.'))
        .min(1)
        .max(200),
    ]),
    channels: z
      .array(z.enum(['zalo', 'web']))
      .min(1)
      .max(2)
      .refine((c) => new Set(c).size === c.length, 'Mỗi kênh chỉ chọn một lần.'),
    scheduledAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type NewAnnouncement = z.infer<typeof newAnnouncementSchema>;
