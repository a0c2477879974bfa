package server

import (
	"fmt"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// testPeer is the peer address of every request app.Test sends; trusting
// it as a proxy lets a scenario speak from any client address through
// X-Forwarded-For.
var testPeer = netip.MustParsePrefix("0.0.0.0/32")

// signInStep is one or more sign-in attempts of a scenario.
type signInStep struct {
	advance     time.Duration // move the clock first
	from        string        // the X-Forwarded-For header; "" sends none
	user        string
	wrong       bool // a wrong password instead of testPassword
	times       int  // default 1
	wantStatus  int
	wantCode    string
	wantMessage string // in the error message of the last attempt
	wantRetry   string // the Retry-After header of the last attempt
}

// loginOK, loginWrong and loginRefused build the steps of the scenarios below.
func loginOK(user, from string) signInStep {
	return signInStep{user: user, from: from, wantStatus: 200}
}

func loginWrong(user, from string, times int) signInStep {
	return signInStep{user: user, from: from, wrong: true, times: times, wantStatus: 401, wantCode: engine.EUNAUTHORIZED}
}

func loginRefused(user, from, message string) signInStep {
	return signInStep{user: user, from: from, wantStatus: 429, wantCode: engine.ERATELIMITED, wantMessage: message}
}

// The client addresses of the scenarios (documentation ranges).
const (
	userHome  = "198.51.100.7" // where the user signs in every day
	attacker  = "203.0.113.9"
	elsewhere = "192.0.2.50"
)

// loginUsers returns n usernames prefix1…prefixN.
func loginUsers(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i+1)
	}
	return out
}

func TestSignInLimits(t *testing.T) {
	// One attacker address per five failures: 20 addresses make the 100
	// failures that lock the account at every address it has not signed
	// in from.
	var spray []signInStep
	for i := range 20 {
		spray = append(spray, loginWrong("wang.fang", fmt.Sprintf("203.0.113.%d", 100+i), 5))
	}
	// Ten accounts tried five times each from one address: the 50
	// failures that throttle the address.
	var sweep []signInStep
	for _, u := range loginUsers("guess", 10) {
		sweep = append(sweep, loginWrong(u, attacker, 5))
	}

	tests := []struct {
		name    string
		proxies []netip.Prefix
		steps   []signInStep
	}{
		{
			name: "40 successful sign-ins from one address never lock",
			steps: []signInStep{
				{user: "wang.fang", times: 40, wantStatus: 200},
				{user: "li.na", times: 5, wantStatus: 200},
				loginWrong("zhao.lei", "", 1),
				loginOK("zhao.lei", ""),
			},
		},
		{
			name:    "five failures lock only the account at that address",
			proxies: []netip.Prefix{testPeer},
			steps: []signInStep{
				loginWrong("wang.fang", attacker, 2),
				{user: "wang.fang", from: attacker, wrong: true, wantStatus: 401, wantCode: engine.EUNAUTHORIZED,
					wantMessage: "2 more failed attempts"},
				loginWrong("wang.fang", attacker, 1),
				{user: "wang.fang", from: attacker, wrong: true, wantStatus: 401, wantCode: engine.EUNAUTHORIZED,
					wantMessage: "now locked for 15 minutes"},
				loginRefused("wang.fang", attacker, "locked for sign-in from this address; try again in 15 minutes"),
				loginOK("wang.fang", userHome),
				loginOK("li.na", attacker),
			},
		},
		{
			name:    "an attacker failing repeatedly does not stop the user at their own address",
			proxies: []netip.Prefix{testPeer},
			steps: []signInStep{
				loginOK("wang.fang", userHome),
				loginWrong("wang.fang", attacker, 5),
				{user: "wang.fang", from: attacker, wrong: true, times: 30, wantStatus: 429, wantCode: engine.ERATELIMITED},
				loginOK("wang.fang", userHome),
			},
		},
		{
			name:    "failures from many addresses lock the account except where it signed in before",
			proxies: []netip.Prefix{testPeer},
			steps: append(append([]signInStep{loginOK("wang.fang", userHome)}, spray...),
				loginOK("wang.fang", userHome),
				loginRefused("wang.fang", elsewhere, "locked for sign-in from this address"),
				loginOK("li.na", elsewhere),
			),
		},
		{
			name:    "a success resets the count at that address",
			proxies: []netip.Prefix{testPeer},
			steps: []signInStep{
				loginWrong("wang.fang", userHome, 4),
				loginOK("wang.fang", userHome),
				loginWrong("wang.fang", userHome, 4),
				loginOK("wang.fang", userHome),
			},
		},
		{
			name:    "fifty failures from one address throttle it, except for accounts that signed in there",
			proxies: []netip.Prefix{testPeer},
			steps: append(append([]signInStep{loginOK("wang.fang", attacker)}, sweep...),
				loginRefused("guess11", attacker, "too many failed sign-ins from this network address"),
				loginRefused("li.na", attacker, "too many failed sign-ins from this network address"),
				loginOK("wang.fang", attacker),
				loginOK("li.na", elsewhere),
			),
		},
		{
			name: "X-Forwarded-For is ignored without trusted proxies",
			steps: []signInStep{
				loginWrong("wang.fang", attacker, 1),
				loginWrong("wang.fang", "192.0.2.1", 1),
				loginWrong("wang.fang", "192.0.2.2", 1),
				loginWrong("wang.fang", "192.0.2.3", 1),
				loginWrong("wang.fang", "192.0.2.4", 1),
				loginRefused("wang.fang", userHome, "locked for sign-in from this address"),
			},
		},
		{
			name:    "spoofed left-most X-Forwarded-For values are ignored",
			proxies: []netip.Prefix{testPeer, netip.MustParsePrefix("10.0.0.0/8")},
			steps: []signInStep{
				// The attacker writes the user's address; the proxy appends
				// the attacker's own.
				loginWrong("wang.fang", userHome+", "+attacker, 5),
				loginRefused("wang.fang", "192.0.2.1, "+attacker, "locked"),
				// Through a second, inner proxy the client is still the
				// right-most untrusted address.
				loginRefused("wang.fang", "garbage, "+attacker+", 10.1.2.3", "locked"),
				loginOK("wang.fang", userHome),
				loginOK("wang.fang", userHome+", 10.1.2.3"),
			},
		},
		{
			name:    "a lock ends with its window and says when",
			proxies: []netip.Prefix{testPeer},
			steps: []signInStep{
				loginWrong("wang.fang", attacker, 5),
				{advance: 10 * time.Minute, user: "wang.fang", from: attacker, wantStatus: 429, wantCode: engine.ERATELIMITED,
					wantMessage: "try again in 5 minutes", wantRetry: "300"},
				{advance: 5 * time.Minute, user: "wang.fang", from: attacker, wantStatus: 200},
				loginWrong("wang.fang", attacker, 4),
				loginOK("wang.fang", attacker),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, Config{TrustedProxies: tt.proxies})
			for _, u := range []string{"wang.fang", "li.na", "zhao.lei"} {
				e.user(u, ownUnit, engine.RoleFieldWorker)
			}
			for i, st := range tt.steps {
				e.clock.Add(st.advance)
				password := testPassword
				if st.wrong {
					password = "not the password"
				}
				r := req{method: "POST", target: "/api/v1/login", json: map[string]string{"username": st.user, "password": password}}
				if st.from != "" {
					r.header = map[string]string{"X-Forwarded-For": st.from}
				}
				var res result
				for n := range max(1, st.times) {
					if res = e.do(r); res.status != st.wantStatus {
						t.Fatalf("step %d (%s from %q), attempt %d: got %d, want %d: %s", i, st.user, st.from, n+1, res.status, st.wantStatus, res.body)
					}
				}
				check(t, res, st.wantStatus, st.wantCode)
				var body errorBody
				if st.wantCode != "" {
					res.decode(t, &body)
				}
				if !strings.Contains(body.Error.Message, st.wantMessage) {
					t.Errorf("step %d (%s from %q): message %q, want it to contain %q", i, st.user, st.from, body.Error.Message, st.wantMessage)
				}
				if st.wantRetry != "" {
					if got := res.header.Get("Retry-After"); got != st.wantRetry {
						t.Errorf("step %d: Retry-After: got %q, want %q", i, got, st.wantRetry)
					}
				}
			}
		})
	}
}

// TestSignInLimitMessages checks that the sign-in page says what happened,
// in the page's language.
func TestSignInLimitMessages(t *testing.T) {
	e := newEnv(t, Config{TrustedProxies: []netip.Prefix{testPeer}})
	e.user("wang.fang", ownUnit, engine.RoleFieldWorker)
	english := "en-US,en;q=0.9"
	tests := []struct {
		name       string
		user, from string
		lang       string // Accept-Language
		times      int
		wantStatus int
		wantText   string
	}{
		{name: "wrong", user: "wang.fang", from: attacker, times: 2, wantStatus: 401, wantText: "用户名或密码错误。</p>"},
		{name: "attempts left", user: "wang.fang", from: attacker, wantStatus: 401, wantText: "再错 2 次，该账号将暂时不能从本网络地址登录"},
		{name: "attempts left, in English", user: "wang.fang", from: attacker, lang: english, wantStatus: 401,
			wantText: "Attempts left before this account is locked at this network address: 1."},
		{name: "now locked", user: "wang.fang", from: attacker, wantStatus: 401, wantText: "该账号在 15 分钟内不能从本网络地址登录"},
		{name: "locked", user: "wang.fang", from: attacker, wantStatus: 429, wantText: "该账号暂时不能从本网络地址登录，请 15 分钟后再试"},
		{name: "locked, in English", user: "wang.fang", from: attacker, lang: english, wantStatus: 429,
			wantText: "This account is temporarily locked for sign-in from this network address. Try again in 15 min"},
		{name: "not locked elsewhere", user: "wang.fang", from: userHome, times: 2, wantStatus: 401, wantText: "用户名或密码错误。</p>"},
		{name: "throttled address", user: "wang.fang", from: elsewhere, wantStatus: 429, wantText: "本网络地址登录失败的次数过多，请 15 分钟后再试"},
		{name: "throttled address, in English", user: "wang.fang", from: elsewhere, lang: english, wantStatus: 429,
			wantText: "Too many failed sign-ins from this network address. Try again in 15 min."},
	}
	// Ten usernames (that do not exist: they count all the same) fail five
	// times each from elsewhere: the 50 failures that throttle the address.
	for _, u := range loginUsers("guess", 10) {
		for range 5 {
			check(t, e.do(req{method: "POST", target: "/api/v1/login", header: map[string]string{"X-Forwarded-For": elsewhere},
				json: map[string]string{"username": u, "password": "not the password"}}), 401, engine.EUNAUTHORIZED)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res result
			for range max(1, tt.times) {
				page := e.do(req{method: "GET", target: "/login"})
				token := page.cookie(loginCookie).Value
				header := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": tt.from}
				if tt.lang != "" {
					header["Accept-Language"] = tt.lang
				}
				res = e.do(req{method: "POST", target: "/login", header: header, cookies: map[string]string{loginCookie: token},
					body: form("_csrf", token, "username", tt.user, "password", "not the password")})
			}
			if res.status != tt.wantStatus {
				t.Errorf("status: got %d, want %d", res.status, tt.wantStatus)
			}
			if !strings.Contains(res.body, tt.wantText) {
				t.Errorf("page: want it to contain %q:\n%s", tt.wantText, res.body)
			}
		})
	}
}

func TestClientIP(t *testing.T) {
	tests := []struct {
		name    string
		proxies string
		xff     []string // X-Forwarded-For headers, in order
		want    string
	}{
		{name: "no proxies: the peer", xff: []string{"192.0.2.1"}, want: "0.0.0.0"},
		{name: "peer not a trusted proxy", proxies: "10.0.0.0/8", xff: []string{"192.0.2.1"}, want: "0.0.0.0"},
		{name: "trusted peer, one hop", proxies: "0.0.0.0/32", xff: []string{"192.0.2.1"}, want: "192.0.2.1"},
		{name: "trusted peer, no header", proxies: "0.0.0.0/32", want: "0.0.0.0"},
		{name: "right-most untrusted wins", proxies: "0.0.0.0/32,10.0.0.0/8", xff: []string{"198.51.100.1, 192.0.2.1, 10.0.0.2"}, want: "192.0.2.1"},
		{name: "several headers read as one list", proxies: "0.0.0.0/32,10.0.0.0/8", xff: []string{"198.51.100.1", "192.0.2.1, 10.0.0.2"}, want: "192.0.2.1"},
		{name: "all hops trusted: the left-most", proxies: "0.0.0.0/32,10.0.0.0/8", xff: []string{"10.0.0.3, 10.0.0.2"}, want: "10.0.0.3"},
		{name: "garbage stops the walk", proxies: "0.0.0.0/32,10.0.0.0/8", xff: []string{"192.0.2.1, nonsense, 10.0.0.2"}, want: "10.0.0.2"},
		{name: "address with a port", proxies: "0.0.0.0", xff: []string{"[2001:db8::7]:5123"}, want: "2001:db8::7"},
		{name: "IPv4-mapped IPv6", proxies: "0.0.0.0/32", xff: []string{"::ffff:192.0.2.1"}, want: "192.0.2.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			proxies, err := ParseTrustedProxies(tt.proxies)
			if err != nil {
				t.Fatal(err)
			}
			srv := newEnv(t, Config{TrustedProxies: proxies}).srv
			var got string
			srv.App().Get("/test/ip", func(c fiber.Ctx) error { got = srv.clientIP(c); return nil })
			r := httptest.NewRequest("GET", "/test/ip", nil)
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if _, err := srv.App().Test(r); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("client IP: got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseTrustedProxies(t *testing.T) {
	tests := []struct {
		list    string
		want    string
		wantErr string
	}{
		{list: "", want: "[]"},
		{list: "10.0.0.0/8, 192.0.2.10,2001:db8::/32", want: "[10.0.0.0/8 192.0.2.10/32 2001:db8::/32]"},
		{list: "10.1.2.3/8", want: "[10.0.0.0/8]"},
		{list: "10.0.0.0/33", wantErr: `trusted proxy network "10.0.0.0/33"`},
		{list: "proxy.example", wantErr: `trusted proxy "proxy.example" is neither an address nor a network`},
	}
	for _, tt := range tests {
		got, err := ParseTrustedProxies(tt.list)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: error %v, want %q", tt.list, err, tt.wantErr)
			}
			continue
		}
		if err != nil || fmt.Sprint(got) != tt.want {
			t.Errorf("%q: got %v %v, want %s", tt.list, got, err, tt.want)
		}
	}
}
