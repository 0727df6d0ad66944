// The values the YAML reader builds: plain maps, lists and scalars, numbers kept exact.

/** A YAML (or JSON) number, kept as its source text. */
export class ExactNumber {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

export type PlainValue = string | boolean | null | ExactNumber | PlainValue[] | PlainMap;
export interface PlainMap {
  [key: string]: PlainValue;
}

/** The file or an item is not valid YAML; `line` is 1-based in the whole file. */
export class YamlSyntaxError extends Error {
  readonly line: number | undefined;
  constructor(message: string, line?: number) {
    super(message);
    this.name = 'YamlSyntaxError';
    this.line = line;
  }
}

/** The fast reader met something outside its subset: read this part with the `yaml` package. */
export class Unsupported extends Error {}
