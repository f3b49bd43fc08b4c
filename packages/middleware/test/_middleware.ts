import type { Handler, Scope } from "@scallion/core";

/** A middleware that only adds `{ [key]: value }` to the scope, typed like the shipped ones. */
export function adds<K extends string, V>(key: K, value: V) {
  return <S extends Scope, In>(next: Handler<S & { readonly [P in K]: V }, In>): Handler<S, In> =>
    function adding(scope, receiver) {
      return next({ ...scope, [key]: value } as S & { readonly [P in K]: V }, receiver);
    };
}
