"""Covenants (居民公约 / 管理规约): numbered articles, versioned; signatures by household and
party members' public commitments."""
