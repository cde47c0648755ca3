/** The choice with the most votes, or undefined on a tie or no votes (the trainer then picks). */
export function majorityOf(tally: Record<string, number> | undefined): string | undefined {
  const ranked = Object.entries(tally ?? {}).sort((a, b) => b[1] - a[1]);
  if (!ranked.length || (ranked[1] && ranked[1][1] === ranked[0]![1])) return undefined;
  return ranked[0]![0];
}
