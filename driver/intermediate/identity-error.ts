/** An identity a configuration or a payload gives that is not one of its type. */
export class IdentityError extends Error {}
