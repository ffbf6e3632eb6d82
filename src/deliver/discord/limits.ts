/**
 * Discord's size limits for a message and its embeds, and a pure check against them.
 *
 * Numbers from Discord's developer documentation: "Create Message" (content up to 2000
 * characters, up to 10 embeds) and "Embed Limits" (title 256, description 4096, 25 fields,
 * field name 256, field value 1024, footer text 2048, author name 256, and 6000 characters
 * summed over every embed of a message):
 * https://discord.com/developers/docs/resources/message#create-message
 * https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 * Discord counts characters as JavaScript string length does, so `.length` is the measure.
 */
import type { DiscordMessage, Embed } from './types.ts';

export const DISCORD_LIMITS = {
  content: 2000,
  embedsPerMessage: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  embedsTotal: 6000,
} as const;

/** Characters of an embed that count towards the 6000-character message total. Pure. */
export function embedLength(embed: Embed): number {
  let total = (embed.title?.length ?? 0) + (embed.description?.length ?? 0);
  total += (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  for (const field of embed.fields ?? []) total += field.name.length + field.value.length;
  return total;
}

/**
 * Every limit a message breaks, as readable strings (empty when it is valid). Pure; used by the
 * senders to refuse a payload Discord would reject with a 400, and by tests.
 */
export function limitViolations(message: DiscordMessage): string[] {
  const problems: string[] = [];
  const over = (what: string, length: number, max: number) => {
    if (length > max) problems.push(`${what}: ${length} > ${max}`);
  };
  over('content', message.content?.length ?? 0, DISCORD_LIMITS.content);
  const embeds = message.embeds ?? [];
  over('embeds', embeds.length, DISCORD_LIMITS.embedsPerMessage);
  over(
    'embeds total',
    embeds.map(embedLength).reduce((a, b) => a + b, 0),
    DISCORD_LIMITS.embedsTotal,
  );
  embeds.forEach((embed, i) => {
    over(`embeds[${i}].title`, embed.title?.length ?? 0, DISCORD_LIMITS.embedTitle);
    over(
      `embeds[${i}].description`,
      embed.description?.length ?? 0,
      DISCORD_LIMITS.embedDescription,
    );
    over(`embeds[${i}].fields`, embed.fields?.length ?? 0, DISCORD_LIMITS.embedFields);
    over(`embeds[${i}].footer`, embed.footer?.text.length ?? 0, DISCORD_LIMITS.footerText);
    over(`embeds[${i}].author`, embed.author?.name.length ?? 0, DISCORD_LIMITS.authorName);
    embed.fields?.forEach((field, j) => {
      over(`embeds[${i}].fields[${j}].name`, field.name.length, DISCORD_LIMITS.fieldName);
      over(`embeds[${i}].fields[${j}].value`, field.value.length, DISCORD_LIMITS.fieldValue);
    });
  });
  if (!message.content && embeds.length === 0) problems.push('message is empty');
  return problems;
}
