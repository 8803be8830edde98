"""The bulletin board (公示栏): what a printed notice, result or set of minutes links back to.

Each printed paper carries a QR code to a page that needs no login, so that anyone standing at
the board can check that the paper is authentic and still current. This package sits above the
domains it shows (notices, proposals, meetings); none of them imports it."""
