from django.urls import path

from study import views

app_name = "study"

urlpatterns = [
    path("study/", views.home, name="home"),
    path("study/sign-in/", views.sign_in_view, name="sign_in"),
    path("study/sign-out/", views.sign_out_view, name="sign_out"),
    path("study/points/", views.points, name="points"),
    path("study/rules/", views.rules, name="rules"),
    path("study/practice/", views.practice, name="practice"),
    path("study/practice/<int:pk>/", views.session, name="session"),
    path("study/review/", views.review, name="review"),
    path("study/listen/", views.listen, name="listen"),
]
