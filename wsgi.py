from turkicnet import create_app

app = create_app()
