package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"canvass/engine"
)

const linkColumns = `id, token_hash, campaign_id, form_id, org_unit, org_path, one_time, preset,
	created_by, created_at, expires_at, revoked_at, revoked_by, used_at, record_id`

// CreateLinks stores links, all or none; see engine.LinkStore.
func (s *Store) CreateLinks(ctx context.Context, links []*engine.Link) error {
	for _, l := range links {
		if l == nil || l.ID == "" || l.TokenHash == "" || l.CampaignID == "" || l.FormID == "" || l.OrgPath == "" {
			return engine.Errorf(engine.EINVALID, "a link needs an ID, a token hash, a campaign, a form and an org path")
		}
	}
	return s.write(ctx, func(tx *writeTx) error {
		for _, l := range links {
			preset, err := jsonText(l.Preset, "link preset")
			if err != nil {
				return err
			}
			_, err = tx.exec(`INSERT INTO links (`+linkColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				l.ID, l.TokenHash, l.CampaignID, l.FormID, l.OrgUnit, l.OrgPath, l.OneTime, preset,
				l.CreatedBy, nullMillis(l.CreatedAt), nullMillis(l.ExpiresAt), nullMillis(l.RevokedAt), l.RevokedBy,
				nullMillis(l.UsedAt), l.RecordID)
			if isConstraint(err) {
				return engine.WrapError(engine.ECONFLICT, "the link exists", err)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// GetLink returns a link by ID; see engine.LinkStore.
func (s *Store) GetLink(ctx context.Context, id string) (*engine.Link, error) {
	return s.getLink(ctx, "id", id)
}

// GetLinkByToken returns a link by its token hash; see engine.LinkStore.
func (s *Store) GetLinkByToken(ctx context.Context, tokenHash string) (*engine.Link, error) {
	return s.getLink(ctx, "token_hash", tokenHash)
}

func (s *Store) getLink(ctx context.Context, column, value string) (*engine.Link, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	l, err := scanLink(s.rdb.QueryRowContext(ctx, `SELECT `+linkColumns+` FROM links WHERE `+column+` = ?`, value))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, engine.Errorf(engine.ENOTFOUND, "link not found")
	}
	return l, err
}

// ListLinks returns a campaign's links under orgPaths by ID; see
// engine.LinkStore.
func (s *Store) ListLinks(ctx context.Context, campaignID string, orgPaths []string) ([]*engine.Link, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	if len(orgPaths) == 0 {
		return []*engine.Link{}, nil
	}
	args := []any{campaignID}
	conds := make([]string, len(orgPaths))
	for i, p := range orgPaths {
		conds[i] = "substr(org_path, 1, ?) = ?"
		args = append(args, len(p), p)
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+linkColumns+` FROM links WHERE campaign_id = ? AND (`+
		strings.Join(conds, " OR ")+`) ORDER BY id`, args...)
	if err != nil {
		return nil, s.dbError(err)
	}
	defer rows.Close()
	links := []*engine.Link{}
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return nil, err
		}
		links = append(links, l)
	}
	return links, s.dbError(rows.Err())
}

// RevokeLink marks a link revoked; see engine.LinkStore.
func (s *Store) RevokeLink(ctx context.Context, id, by string, at time.Time) error {
	return s.updateLink(ctx, id, "link is revoked already",
		`UPDATE links SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL`, nullMillis(at), by, id)
}

// ConsumeLink marks an unused, unrevoked link used; see engine.LinkStore.
func (s *Store) ConsumeLink(ctx context.Context, id, recordID string, at time.Time) error {
	return s.updateLink(ctx, id, "link is used or revoked",
		`UPDATE links SET used_at = ?, record_id = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL`, nullMillis(at), recordID, id)
}

// updateLink runs a conditional update of one link: no row changed is
// ENOTFOUND when the link does not exist, ECONFLICT when it does.
func (s *Store) updateLink(ctx context.Context, id, conflict, query string, args ...any) error {
	return s.write(ctx, func(tx *writeTx) error {
		res, err := tx.exec(query, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var one int
		err = tx.queryRow("SELECT 1 FROM links WHERE id = ?", id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return engine.Errorf(engine.ENOTFOUND, "link not found")
		}
		if err != nil {
			return err
		}
		return engine.Errorf(engine.ECONFLICT, "%s", conflict)
	})
}

func scanLink(row interface{ Scan(...any) error }) (*engine.Link, error) {
	var l engine.Link
	var preset string
	var created, expires, revoked, used sql.NullInt64
	err := row.Scan(&l.ID, &l.TokenHash, &l.CampaignID, &l.FormID, &l.OrgUnit, &l.OrgPath, &l.OneTime, &preset,
		&l.CreatedBy, &created, &expires, &revoked, &l.RevokedBy, &used, &l.RecordID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if err != nil {
		return nil, dbError(err)
	}
	if err := decodeJSON([]byte(preset), &l.Preset, "link preset"); err != nil {
		return nil, err
	}
	l.CreatedAt, l.ExpiresAt, l.RevokedAt, l.UsedAt = timeOf(created), timeOf(expires), timeOf(revoked), timeOf(used)
	return &l, nil
}

// SetCampaignClosed records a campaign closed by hand; see
// engine.LinkStore.
func (s *Store) SetCampaignClosed(ctx context.Context, c *engine.CampaignClosure) error {
	if c == nil || c.CampaignID == "" {
		return engine.Errorf(engine.EINVALID, "a closure needs a campaign")
	}
	return s.write(ctx, func(tx *writeTx) error {
		_, err := tx.exec(`INSERT INTO campaign_closures (campaign_id, closed_by, closed_at, reason) VALUES (?, ?, ?, ?)`,
			c.CampaignID, c.ClosedBy, nullMillis(c.ClosedAt), c.Reason)
		if isConstraint(err) {
			return engine.WrapError(engine.ECONFLICT, "campaign "+c.CampaignID+" is closed already", err)
		}
		return err
	})
}

// CampaignClosure returns how a campaign was closed; see engine.LinkStore.
func (s *Store) CampaignClosure(ctx context.Context, campaignID string) (*engine.CampaignClosure, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	c := engine.CampaignClosure{}
	var at sql.NullInt64
	err := s.rdb.QueryRowContext(ctx, `SELECT campaign_id, closed_by, closed_at, reason FROM campaign_closures WHERE campaign_id = ?`, campaignID).
		Scan(&c.CampaignID, &c.ClosedBy, &at, &c.Reason)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, engine.Errorf(engine.ENOTFOUND, "campaign %s is not closed", campaignID)
	}
	if err != nil {
		return nil, s.dbError(err)
	}
	c.ClosedAt = timeOf(at)
	return &c, nil
}
