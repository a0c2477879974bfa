package server

// roleRoutes installs the work pages of issue #19: spot checks and
// attendance (supervisors), data entry (clerks), campaign closing, link
// revoking and sign-in unlocking (admins).
func (s *Server) roleRoutes() {
	s.qcRoutes()
	s.attendanceRoutes()
	s.entryRoutes()
	s.adminActionRoutes()
	s.adminUserRoutes()
}
