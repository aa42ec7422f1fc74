CREATE TABLE posts (
    id SERIAL PRIMARY KEY,
    title VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL DEFAULT now()
);
SELECT diesel_manage_updated_at('posts');
