package mongo

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"canvass/engine"
)

// when is t as stored: nil (BSON null) for the zero time, so that a missing
// time never matches a range, else t in UTC cut to the millisecond a BSON
// date keeps.
func when(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC().Truncate(time.Millisecond)
	return &u
}

// timeOf is the time a stored date stands for (zero for null).
func timeOf(p *time.Time) time.Time {
	if p == nil {
		return time.Time{}
	}
	return p.UTC()
}

// plain turns a decoded BSON value into plain Go values (map[string]any,
// []any, numbers, strings, bools, nil), the shape answers, details and
// inputs had when they came in as JSON.
func plain(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if x == nil {
			return x
		}
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = plain(e)
		}
		return m
	case bson.M:
		return plain(map[string]any(x))
	case bson.D:
		m := make(map[string]any, len(x))
		for _, e := range x {
			m[e.Key] = plain(e.Value)
		}
		return m
	case bson.A:
		return plain([]any(x))
	case []any:
		if x == nil {
			return x
		}
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = plain(e)
		}
		return a
	case bson.DateTime:
		return x.Time().UTC()
	case bson.Null, bson.Undefined:
		return nil
	}
	return v
}

// plainMap is plain for a document-valued field.
func plainMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	return plain(m).(map[string]any)
}

// number reads a $sum result, whatever numeric type the server chose.
func number(v any) float64 {
	switch x := v.(type) {
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

// subtreeBound is the least string greater than every string that starts
// with prefix, or "" when there is none.
func subtreeBound(prefix string) string {
	b := []byte(prefix)
	for len(b) > 0 && b[len(b)-1] == 0xff {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return ""
	}
	b[len(b)-1]++
	return string(b)
}

// inSubtrees matches documents whose field starts with any of paths (see
// engine.InSubtree: an empty root holds nothing). A range rather than a
// regular expression keeps it an index range on both servers.
func inSubtrees(field string, paths []string) bson.E {
	var or bson.A
	for _, p := range paths {
		if p == "" {
			continue
		}
		cond := bson.D{{Key: "$gte", Value: p}}
		if hi := subtreeBound(p); hi != "" {
			cond = append(cond, bson.E{Key: "$lt", Value: hi})
		}
		or = append(or, bson.D{{Key: field, Value: cond}})
	}
	if len(or) == 0 {
		return bson.E{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{}}}}
	}
	return bson.E{Key: "$or", Value: or}
}

// filter builds a query document; and adds conditions that each may be an
// $or, which cannot share one level with another $or.
type filter struct{ conds bson.A }

func (f *filter) eq(field, value string) {
	if value != "" {
		f.conds = append(f.conds, bson.D{{Key: field, Value: value}})
	}
}

func (f *filter) in(field string, values []string) {
	if len(values) > 0 {
		f.conds = append(f.conds, bson.D{{Key: field, Value: bson.D{{Key: "$in", Value: values}}}})
	}
}

func (f *filter) under(field string, paths []string) {
	if len(paths) > 0 {
		f.conds = append(f.conds, bson.D{inSubtrees(field, paths)})
	}
}

// cmp adds a $gte or $lt bound on a stored time. Stored times are whole
// milliseconds, so a bound between two is moved up to the next: a time
// stored at t is at or after from, or before before, exactly when it is
// against the bound rounded up (as the SQLite store's ceilMillis does).
func (f *filter) cmp(field, op string, t time.Time) {
	if !t.IsZero() {
		u := t.UTC()
		if c := u.Truncate(time.Millisecond); c.Before(u) {
			u = c.Add(time.Millisecond)
		}
		f.conds = append(f.conds, bson.D{{Key: field, Value: bson.D{{Key: op, Value: u}}}})
	}
}

func (f *filter) add(cond bson.D) { f.conds = append(f.conds, cond) }

func (f *filter) doc() bson.D {
	switch len(f.conds) {
	case 0:
		return bson.D{}
	case 1:
		return f.conds[0].(bson.D)
	}
	return bson.D{{Key: "$and", Value: f.conds}}
}

// findPage reads one keyset page of coll by _id (see engine.Page): it asks
// for one document more than the page holds, to know whether a next page
// exists. New documents can only land on either side of the cursor, so
// none is returned twice or skipped.
func findPage[D any](ctx context.Context, s *Store, op string, coll *mongo.Collection, f filter, p engine.Page, idOf func(*D) string) ([]*D, string, error) {
	p = p.Normalize()
	sortDir := 1
	if p.Desc {
		sortDir = -1
	}
	if p.After != "" {
		cmp := "$gt"
		if p.Desc {
			cmp = "$lt"
		}
		f.add(bson.D{{Key: "_id", Value: bson.D{{Key: cmp, Value: p.After}}}})
	}
	opts := options.Find().SetSort(bson.D{{Key: "_id", Value: sortDir}}).SetLimit(int64(p.Limit) + 1)
	var docs []*D
	if err := s.findAll(ctx, op, coll, f.doc(), &docs, opts); err != nil {
		return nil, "", err
	}
	next := ""
	if len(docs) > p.Limit {
		docs = docs[:p.Limit]
		next = idOf(docs[len(docs)-1])
	}
	return docs, next, nil
}

// findAll decodes every document coll has for query into out.
func (s *Store) findAll(ctx context.Context, op string, coll *mongo.Collection, query any, out any, opts ...options.Lister[options.FindOptions]) error {
	cur, err := coll.Find(ctx, query, opts...)
	if err != nil {
		return s.fail(op, err)
	}
	return s.fail(op, cur.All(ctx, out))
}

// findOne decodes the document coll has for query into out. Returns
// ENOTFOUND with the message notFound when there is none.
func (s *Store) findOne(ctx context.Context, op string, coll *mongo.Collection, query, out any, notFound string, opts ...options.Lister[options.FindOneOptions]) error {
	err := coll.FindOne(ctx, query, opts...).Decode(out)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return engine.Errorf(engine.ENOTFOUND, "%s", notFound)
	}
	return s.fail(op, err)
}

// missingOrConflict explains why a conditional update of the document
// with the given _id matched nothing: it returns notFound when there is no
// such document, else conflict (it exists, but not in the state the
// update asked for).
func (s *Store) missingOrConflict(ctx context.Context, op string, coll *mongo.Collection, id string, notFound, conflict error) error {
	err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return notFound
	case err != nil:
		return s.fail(op, err)
	}
	return conflict
}

// groupRow is one output row of a one-accumulator $group stage.
type groupRow struct {
	ID map[string]any `bson:"_id"`
	V  any            `bson:"v"`
}

// groupBy runs $match then $group with one accumulator named v, and returns
// the rows keyed by their group values in the order of fields. One
// accumulator per pipeline: FerretDB gets all but the first wrong when a
// $group has several (see store_test.go).
func (s *Store) groupBy(ctx context.Context, op string, coll *mongo.Collection, match bson.D, fields []string, acc bson.D) (map[string]groupRow, error) {
	var id any
	if len(fields) > 0 {
		d := make(bson.D, len(fields))
		for i, f := range fields {
			d[i] = bson.E{Key: groupKeyName(i), Value: "$" + f}
		}
		id = d
	}
	pipe := mongo.Pipeline{
		{{Key: "$match", Value: match}},
		{{Key: "$group", Value: bson.D{{Key: "_id", Value: id}, {Key: "v", Value: acc}}}},
	}
	cur, err := coll.Aggregate(ctx, pipe)
	if err != nil {
		return nil, s.fail(op, err)
	}
	var rows []groupRow
	if err := cur.All(ctx, &rows); err != nil {
		return nil, s.fail(op, err)
	}
	out := make(map[string]groupRow, len(rows))
	for _, r := range rows {
		out[groupKey(r.ID, len(fields))] = r
	}
	return out, nil
}

func groupKeyName(i int) string { return "k" + strconv.Itoa(i) }

// groupFields maps group key names to document fields. Returns EINVALID
// for a name fields does not know.
func groupFields(names []string, fields map[string]string) ([]string, error) {
	out := make([]string, len(names))
	for i, name := range names {
		f, ok := fields[name]
		if !ok {
			return nil, engine.Errorf(engine.EINVALID, "unknown group key %q", name)
		}
		out[i] = f
	}
	return out, nil
}

// compareGroups orders two groups by their key values in the order of
// names.
func compareGroups(names []string, x, y map[string]string) int {
	for _, k := range names {
		if c := strings.Compare(x[k], y[k]); c != 0 {
			return c
		}
	}
	return 0
}

// groupValues returns a group's key values in order; a missing or null
// value is "".
func groupValues(id map[string]any, n int) []string {
	vals := make([]string, n)
	for i := range vals {
		vals[i], _ = id[groupKeyName(i)].(string)
	}
	return vals
}

func groupKey(id map[string]any, n int) string {
	key := ""
	for _, v := range groupValues(id, n) {
		key += v + "\x00"
	}
	return key
}
