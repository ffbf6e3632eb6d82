/**
 * The JSON body Discord's REST API takes for a rendered message. Pure.
 */
import { DeliveryError } from '../errors.ts';
import { limitViolations } from './limits.ts';
import type { DiscordMessage } from './types.ts';

/** Discord's create-message and execute-webhook body (snake_case, as the API spells it). */
export interface ApiMessageBody {
  content?: string;
  embeds?: DiscordMessage['embeds'];
  allowed_mentions: { parse: [] };
  nonce?: string;
  enforce_nonce?: boolean;
}

/**
 * The API body for `message`; `allowed_mentions.parse` is always empty whatever the message
 * says. Throws a permanent `DeliveryError` (`DISCORD_PAYLOAD_INVALID`) when the message breaks
 * a Discord limit, since Discord would answer 400 to every retry. Pure.
 */
export function apiMessageBody(message: DiscordMessage, subject: string): ApiMessageBody {
  const problems = limitViolations(message);
  if (problems.length > 0) {
    throw new DeliveryError(`${subject}: message breaks Discord limits (${problems.join('; ')})`, {
      code: 'DISCORD_PAYLOAD_INVALID',
      permanent: true,
    });
  }
  return {
    ...(message.content ? { content: message.content } : {}),
    ...(message.embeds?.length ? { embeds: message.embeds } : {}),
    allowed_mentions: { parse: [] },
  };
}
