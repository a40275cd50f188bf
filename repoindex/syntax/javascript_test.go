package syntax

import "testing"

const jsSample = `'use strict';
import React, { useState as useS, useEffect } from "react";
import * as path from 'path';
import "./side.css";
const fs = require("fs");

/** Adds two numbers. */
export function add(a, b = DEFAULT) {
  return helper(a) + b;
}

/* not JSDoc */
export default class Widget extends Base {
  /** Renders it. */
  render(props) { return this.draw(props.x, fs.readFileSync(path.join("a"))); }
  static count = 1;
  #secret = 2;
}

export const double = async (x) => x * 2;
let counter = 0, { left, right: r, ...others } = opts;
function internal() { return import("./lazy"); }
export { internal as publicName };
module.exports.extra = function () {};
`

func TestJavaScriptSymbols(t *testing.T) {
	f := mustParse(t, "widget.js", jsSample, Options{})
	if f.Lang != LangJavaScript || f.Errors != 0 {
		t.Fatalf("Lang %q Errors %d", f.Lang, f.Errors)
	}
	equalStrings(t, "symbols", symbolStrings(f.Symbols), []string{
		"const fs  false",
		"func add  true",
		"class Widget  true",
		"method render Widget true",
		"field count Widget true",
		"field #secret Widget false",
		"func double  true",
		"var counter  false",
		"var left  false",
		"var r  false",
		"var others  false",
		"func internal  true", // exported by the export clause
		"func extra  true",
	})
	docs := map[string]string{}
	for _, s := range f.Symbols {
		docs[s.Name] = s.Doc
	}
	for name, want := range map[string]string{"add": "Adds two numbers.", "Widget": "", "render": "Renders it.", "double": ""} {
		if docs[name] != want {
			t.Errorf("doc of %s = %q, want %q", name, docs[name], want)
		}
	}
}

func TestJavaScriptRefsAndImports(t *testing.T) {
	f := mustParse(t, "widget.js", jsSample, Options{})
	equalStrings(t, "imports", importStrings(f.Imports), []string{
		"react default React",
		"react useState useS",
		"react useEffect",
		"path * path",
		"./side.css",
		"fs  fs",
		"./lazy",
	})
	refs := refStrings(f.Refs)
	hasAll(t, "refs", refs, []string{
		"call require@5:12",
		"ident DEFAULT@8:28",
		"call helper@9:10",
		"ident a@9:17",
		"ident b@9:22",
		"ident Base@13:37",
		"call this.draw@15:31",
		"ident props@15:36",
		"selector props.x@15:42",
		"ident fs@15:45",
		"call fs.readFileSync@15:48",
		"ident path@15:61",
		"call path.join@15:66",
		"ident x@20:36",
		"ident opts@21:50",
		"ident internal@23:10",
		"selector module.exports.extra@24:16",
	})
	noRefs(t, jsSample, f.Refs,
		"add@8:17", "a@8:21", "b@8:24", // declaration and parameters
		"props@15:10",
		"double@20:14", "x@20:30",
		"counter@21:5", "left@21:20", "r@21:33", "others@21:39",
		"publicName@23:22",
	)
}

func TestJavaScriptChunks(t *testing.T) {
	f := mustParse(t, "widget.js", jsSample, Options{})
	equalStrings(t, "chunks", chunkStrings(f.Chunks), []string{
		"header  1-4",
		"decl fs 5-10",
		"class Widget 12-18",
		"decl double 20-24",
	})
}

const tsSample = `import type { Props } from "./props";
import fs = require("fs");
export * from "./all";
export { a as b } from "./ab";

/** A shape. */
export interface Shape<T> extends Base {
  /** Its area. */
  area(): number;
  name?: string;
}
type Pair<K> = [K, Map<K, ns.Value>];
export enum Color { Red, Green = "g" }
export abstract class Square implements Shape<number> {
  private side: number = 1;
  constructor(public id: string) { super(); }
  area(): number { return compute<number>(this.side); }
  protected abstract draw(): void;
}
namespace Geometry.Util { export const unit = new Square("u"); }
declare module "ext" { export function ext(): void; }
`

func TestTypeScript(t *testing.T) {
	f := mustParse(t, "shape.ts", tsSample, Options{})
	if f.Lang != LangTypeScript || f.Errors != 0 {
		t.Fatalf("Lang %q Errors %d", f.Lang, f.Errors)
	}
	equalStrings(t, "symbols", symbolStrings(f.Symbols), []string{
		"interface Shape  true",
		"method area Shape true",
		"field name Shape true",
		"type Pair  false",
		"enum Color  true",
		"field Red Color true",
		"field Green Color true",
		"class Square  true",
		"field side Square false",
		"method constructor Square true",
		"method area Square true",
		"method draw Square false",
		"namespace Geometry.Util  false",
		"const unit Geometry.Util true",
		"module ext  false",
		"func ext ext true",
	})
	equalStrings(t, "imports", importStrings(f.Imports), []string{
		"./props Props",
		"fs  fs",
		"./all *",
		"./ab a b",
	})
	hasAll(t, "refs", refStrings(f.Refs), []string{
		"type Base@7:35",
		"type K@12:17",
		"type Map@12:20",
		"type K@12:24",
		"type ns.Value@12:30",
		"type Shape@14:41",
		"call compute@17:27",
		"selector this.side@17:48",
		"call Square@20:51",
	})
	noRefs(t, tsSample, f.Refs, "Pair@12:6", "K@12:11", "id@16:22", "unit@20:40")
	for _, s := range f.Symbols {
		if s.Name == "Shape" && s.Doc != "A shape." || s.Name == "area" && s.Container == "Shape" && s.Doc != "Its area." {
			t.Errorf("doc of %s.%s = %q", s.Container, s.Name, s.Doc)
		}
	}
	equalStrings(t, "chunks", chunkStrings(f.Chunks), []string{
		"header  1-4",
		"type Shape 6-11",
		"type Pair 12-12", // types are never merged
		"type Color 13-13",
		"class Square 14-19",
		"decl Geometry.Util 20-21",
	})
}

const tsxSample = `import { Button } from "./button";

export const App = ({ title }: Props) => {
  const [n, setN] = useState(0);
  return <div className="app"><Button onClick={() => setN(n + 1)}>{title}</Button><ui.Icon /></div>;
};
`

func TestTSX(t *testing.T) {
	f := mustParse(t, "app.tsx", tsxSample, Options{})
	if f.Lang != LangTSX || f.Errors != 0 {
		t.Fatalf("Lang %q Errors %d", f.Lang, f.Errors)
	}
	equalStrings(t, "symbols", symbolStrings(f.Symbols), []string{"func App  true"})
	refs := refStrings(f.Refs)
	hasAll(t, "refs", refs, []string{
		"type Props@3:32",
		"call useState@4:21",
		"ident Button@5:32",
		"call setN@5:54",
		"ident n@5:59",
		"ident title@5:68",
		"ident ui@5:84",
		"selector ui.Icon@5:87",
	})
	noRefs(t, tsxSample, f.Refs, "div@5:11", "Button@5:76", "title@3:23", "n@4:10", "setN@4:13")
	equalStrings(t, "chunks", chunkStrings(f.Chunks), []string{"header  1-1", "func App 3-6"})
}
