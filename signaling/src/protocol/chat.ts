import { z } from 'zod';
import { req } from './common';
import { chatMessageSchema } from './meeting';

export const chatRequests = {
  'chat:send': req(
    z.object({ text: z.string().trim().min(1).max(2000) }),
    z.object({ message: chatMessageSchema }),
  ),
};

export const chatNotifications = {
  'chat:message': z.object({ message: chatMessageSchema }),
};
