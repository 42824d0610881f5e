// Writes docsite/stages/naturalearth.json: the world's land and the borders between countries at
// Natural Earth's 1:50m scale, as GeoJSON in degrees rounded to 0.001° (finer than the source's own
// grid), for the maps docsite draws at build time. The source is the npm package world-atlas
// (Natural Earth's Admin 0 countries as TopoJSON), decoded by topojson-client: land is every country
// merged, borders are the arcs two countries share (coasts are the land's edge). world-atlas joins
// shapes across the 180th meridian, as spherical geometry does; d3-geo cuts them there again, so that
// every shape is valid on the flat maps docsite draws.
//
//   cd naturalearth && npm ci && node make.mjs
import {readFileSync, writeFileSync} from "node:fs";
import {geoEquirectangular} from "d3-geo";
import {geoProject} from "d3-geo-projection";
import {merge, mesh} from "topojson-client";

const here = (path) => new URL(path, import.meta.url);
const atlas = JSON.parse(readFileSync(here("node_modules/world-atlas/countries-50m.json")));
const {version} = JSON.parse(readFileSync(here("node_modules/world-atlas/package.json")));
const notice = readFileSync(here("node_modules/world-atlas/LICENSE"), "utf8").trim();
const countries = atlas.objects.countries;

// Longitude and latitude in, longitude and latitude out, cut at the 180th meridian; no resampling.
const flat = geoEquirectangular().scale(180 / Math.PI).translate([0, 0]).reflectY(true).precision(0);
const round = (value) => Math.round(value * 1000) / 1000;
// A line's points rounded, without the repeats rounding makes.
const line = (points) => points.map(([x, y]) => [round(x), round(y)])
  .filter((p, i, all) => i === 0 || p[0] !== all[i - 1][0] || p[1] !== all[i - 1][1]);

const land = geoProject(merge(atlas, countries.geometries), flat).coordinates
  .map((polygon) => polygon.map(line).filter((ring) => ring.length >= 4))
  .filter((polygon) => polygon.length > 0);
const borders = geoProject(mesh(atlas, countries, (a, b) => a !== b), flat).coordinates.map(line);

const data = {
  type: "FeatureCollection",
  source: `world-atlas ${version} (countries-50m.json), from Natural Earth 1:50m Admin 0 countries`,
  license: `Natural Earth: public domain. world-atlas: ISC.\n${notice}`,
  features: [
    {type: "Feature", properties: {name: "land"}, geometry: {type: "MultiPolygon", coordinates: land}},
    {type: "Feature", properties: {name: "borders"}, geometry: {type: "MultiLineString", coordinates: borders}},
  ],
};
writeFileSync(here("../docsite/stages/naturalearth.json"), JSON.stringify(data) + "\n");
