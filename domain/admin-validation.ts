import { z } from 'zod';

/**
 * Schemas the admin console's forms share with their actions. Only zod here: the browser loads
 * this module (react-hook-form validates with the same schema the server action parses with).
 */

export const signInRequestSchema = z.object({
  email: z
    .string()
    .trim()
    .min(1, 'Enter your email address.')
    .max(320, 'That address is too long.')
    .pipe(z.email({ message: 'Enter an email address like name@example.com.' })),
});
export type SignInRequest = z.infer<typeof signInRequestSchema>;
