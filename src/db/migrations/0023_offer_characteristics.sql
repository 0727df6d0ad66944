ALTER TABLE "offers" ADD COLUMN "characteristics" json;--> statement-breakpoint
-- Offers' characteristics as pages show them, rebuilt from their values: {name, value, kind} of
-- the characteristic each value belongs to, in name byte order (what the import writes itself).
-- Staff renames, merges and kind fixes call this for the offers holding the characteristic, and an
-- import for those of a characteristic it turned into text.
CREATE FUNCTION catalog_refresh_offer_characteristics(ids integer[]) RETURNS void
LANGUAGE sql VOLATILE AS $$
  UPDATE offers o
  SET characteristics = coalesce((
    SELECT json_agg(json_build_object('name', pa.name, 'value', op.value, 'kind', pa.kind) ORDER BY pa.name COLLATE "C")
    FROM offer_parameters op JOIN parameters pa ON pa.id = op.parameter_id
    WHERE op.offer_id = o.id
  ), '[]'::json)
  WHERE o.id = ANY(ids);
$$;
--> statement-breakpoint
SELECT catalog_refresh_offer_characteristics(array(SELECT id FROM offers));
