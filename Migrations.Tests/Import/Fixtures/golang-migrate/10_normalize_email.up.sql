CREATE FUNCTION normalize_email(address text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $body$
BEGIN
    -- a ; in a comment, and one in a string: ';'
    RETURN lower(trim(address));
END;
$body$;

CREATE TABLE email_log (id bigserial PRIMARY KEY, note text DEFAULT E'a\\;b');