-- Trailhead Outfitters: a small outdoor-gear shop selling online and in one store.
-- A sample business dataset written for this project (all names are invented).

CREATE TABLE customers (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL UNIQUE,
    country     TEXT NOT NULL,
    city        TEXT NOT NULL,
    segment     TEXT NOT NULL CHECK (segment IN ('consumer', 'club', 'business')),
    signup_date TEXT NOT NULL -- ISO date
);

CREATE TABLE products (
    id         INTEGER PRIMARY KEY,
    sku        TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    category   TEXT NOT NULL,
    unit_price REAL NOT NULL, -- list price in EUR
    unit_cost  REAL NOT NULL  -- purchase cost in EUR
);

CREATE TABLE orders (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    order_date  TEXT NOT NULL, -- ISO date
    channel     TEXT NOT NULL CHECK (channel IN ('web', 'store')),
    status      TEXT NOT NULL CHECK (status IN ('shipped', 'delivered', 'returned', 'cancelled'))
);

CREATE TABLE order_items (
    order_id   INTEGER NOT NULL REFERENCES orders (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    unit_price REAL NOT NULL, -- price paid per unit in EUR (after any discount)
    PRIMARY KEY (order_id, product_id)
);

CREATE INDEX orders_customer ON orders (customer_id);
CREATE INDEX orders_date ON orders (order_date);
CREATE INDEX items_product ON order_items (product_id);

-- Revenue counts delivered and shipped orders; returned and cancelled orders are excluded.
CREATE VIEW order_totals AS
SELECT o.id AS order_id, o.customer_id, o.order_date, o.channel, o.status,
       ROUND(SUM(i.quantity * i.unit_price), 2) AS total
FROM orders o JOIN order_items i ON i.order_id = o.id
GROUP BY o.id;
