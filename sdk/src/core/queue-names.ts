/**
 * The queue a task's runs use when it names none: Trigger.dev's `task/<id>`. One definition for the SDK, the engine
 * (its workflows too: this imports nothing), the CLI and the webapp, which must all agree on it.
 */
export const defaultQueueName = (taskId: string): string => `task/${taskId}`;
