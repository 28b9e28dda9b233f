import { z } from 'zod';
import { freeText } from '@giaoban/common/text';
import { req } from './common';
import { chatMessageSchema } from './meeting';

export const chatRequests = {
  'chat:send': req(
    z.object({ text: freeText({ min: 1, max: 2000, multiline: true }) }),
    z.object({ message: chatMessageSchema }),
  ),
};

export const chatNotifications = {
  'chat:message': z.object({ message: chatMessageSchema }),
};
